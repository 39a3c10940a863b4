package dev.kiln.train;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.IoErrors;
import dev.kiln.io.StrictJson;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A training checkpoint: a JSON header (epoch, generator states, controller states…) and named
 * float arrays (parameters, optimizer moments). Binary layout, big-endian, version 2:
 * <pre>
 *   offset 0   "KILNCKPT"                 8 bytes
 *          8   version = 2                int
 *         12   file length L in bytes     long   (the whole file, checksum included)
 *         20   header length H            int
 *         24   header, UTF-8 JSON object  H bytes: epochs_done, optimizer_steps, config, ...
 *     24 + H   array count A              int
 *              per array: name (DataOutput.writeUTF) | length n int | n floats
 *      L − 4   CRC-32C of bytes [0, L − 4) int
 * </pre>
 * {@link #read} refuses, naming the file and what failed, anything but a complete, intact file:
 * a wrong magic or version, a length that is not the file's (truncated, or trailing data), a
 * checksum mismatch (a flipped bit anywhere), a header or array length that overruns the file, a
 * header that is not strict JSON or lacks a field, a duplicate array name, and a NaN or infinity in
 * an array (the trainer never saves a diverged state). Nothing is allocated before the length and
 * checksum have been checked against the bytes actually read.
 */
public record Checkpoint(JsonObject header, Map<String, float[]> arrays) {
    private static final byte[] MAGIC = "KILNCKPT".getBytes(StandardCharsets.US_ASCII);
    /** The format this kiln writes and reads. */
    public static final int VERSION = 2;
    private static final int FIXED = 8 + 4 + 8 + 4;        // magic, version, length, header length
    private static final Gson GSON = new Gson();

    public Checkpoint {
        arrays = new LinkedHashMap<>(arrays);
    }

    /** The file's bytes, checksum included. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        try (var out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(0);                               // the length, patched below
            out.writeInt(json.length);
            out.write(json);
            out.writeInt(arrays.size());
            for (Map.Entry<String, float[]> e : arrays.entrySet()) {
                out.writeUTF(e.getKey());
                float[] a = e.getValue();
                out.writeInt(a.length);
                for (float v : a) out.writeFloat(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a checkpoint in memory", e);
        }
        byte[] b = Arrays.copyOf(bytes.toByteArray(), bytes.size() + 4);
        long length = b.length;
        for (int k = 0; k < 8; k++) b[12 + k] = (byte) (length >>> (56 - 8 * k));
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        int sum = (int) crc.getValue();
        for (int k = 0; k < 4; k++) b[b.length - 4 + k] = (byte) (sum >>> (24 - 8 * k));
        return b;
    }

    /** Writes atomically: temp file, fsync, rename ({@link AtomicFiles}). */
    public void write(Path file) {
        AtomicFiles.write(file, encode());
    }

    /** Writes atomically and keeps the checkpoint it replaces as {@code previous}. */
    public void write(Path file, Path previous) {
        AtomicFiles.writeKeepingPrevious(file, previous, encode());
    }

    /** Reads and verifies a checkpoint; anything but an intact one is a {@link BadInputException}. */
    public static Checkpoint read(Path file) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw IoErrors.bad("cannot read checkpoint " + file, e);
        }
        if (!a.isRegularFile()) throw new BadInputException(file + ": not a regular file; expected a kiln checkpoint");
        long limit = Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 3);
        if (a.size() > limit) {
            throw new BadInputException(file + ": " + a.size() + " bytes, more than a third of the Java heap ("
                    + Runtime.getRuntime().maxMemory() + " bytes) can hold while it is verified; run with a larger -Xmx");
        }
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes((int) limit + 1);
        } catch (IOException e) {
            throw IoErrors.bad("cannot read checkpoint " + file, e);
        }
        return decode(file.toString(), b);
    }

    /** Verifies and decodes a checkpoint's bytes; {@code source} names it in messages. */
    public static Checkpoint decode(String source, byte[] b) {
        String corrupt = source + ": corrupt checkpoint, not loaded: ";
        if (b.length < MAGIC.length || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new BadInputException(source + ": not a kiln checkpoint (its first bytes are not \"KILNCKPT\")");
        }
        if (b.length < FIXED + 4 + 4) {
            throw new BadInputException(corrupt + "truncated at " + b.length + " bytes, shorter than any checkpoint");
        }
        int version = intAt(b, 8);
        if (version != VERSION) {
            throw new BadInputException(source + ": checkpoint format version " + version + "; this kiln reads version "
                    + VERSION + (version == 1 ? " (version 1 had no checksum and cannot be verified; start a new run)" : ""));
        }
        long length = longAt(b, 12);
        if (length != b.length) {
            throw new BadInputException(corrupt + (b.length < length
                    ? "truncated: " + b.length + " bytes of the " + length + " its header announces"
                    : b.length + " bytes, but its header announces " + length + " (trailing data, or a damaged length)"));
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        int stored = intAt(b, b.length - 4);
        if ((int) crc.getValue() != stored) {
            throw new BadInputException(String.format("%schecksum mismatch (stored 0x%08x, computed 0x%08x): the file "
                    + "was damaged after it was written", corrupt, stored, (int) crc.getValue()));
        }
        // The checksum matches, so what follows only fails for a file written by another program.
        int end = b.length - 4;
        int headerLength = intAt(b, 20);
        if (headerLength < 2 || headerLength > end - FIXED - 4) {
            throw new BadInputException(corrupt + "header length " + headerLength + " outside [2, " + (end - FIXED - 4)
                    + "]");
        }
        JsonElement parsed = StrictJson.parse(source + " (header)",
                StrictJson.decodeUtf8(source + " (header)", Arrays.copyOfRange(b, FIXED, FIXED + headerLength)));
        if (!parsed.isJsonObject()) throw new BadInputException(corrupt + "the header is not a JSON object");
        JsonObject header = parsed.getAsJsonObject();
        requireCount(corrupt, header, "epochs_done", Integer.MAX_VALUE);
        requireCount(corrupt, header, "optimizer_steps", Long.MAX_VALUE);
        JsonElement config = header.get("config");
        if (config == null || !config.isJsonPrimitive() || !config.getAsJsonPrimitive().isString()) {
            throw new BadInputException(corrupt + "header field 'config' is missing or not a string");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, FIXED + headerLength,
                end - FIXED - headerLength));
        Map<String, float[]> arrays = new LinkedHashMap<>();
        try {
            int count = in.readInt();
            if (count < 0 || count > in.available() / 6) {
                throw new BadInputException(corrupt + "array count " + count + " does not fit in the file");
            }
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int n = in.readInt();
                if (n < 0 || n > in.available() / 4) {
                    throw new BadInputException(corrupt + "array '" + name + "' announces " + n + " floats, more than the "
                            + in.available() + " bytes left");
                }
                float[] values = new float[n];
                for (int j = 0; j < n; j++) {
                    values[j] = in.readFloat();
                    if (!Float.isFinite(values[j])) {
                        throw new BadInputException(corrupt + "array '" + name + "' holds " + values[j] + " at index " + j
                                + "; a checkpoint holds finite values only");
                    }
                }
                if (arrays.put(name, values) != null) {
                    throw new BadInputException(corrupt + "array '" + name + "' appears twice");
                }
            }
            if (in.available() != 0) {
                throw new BadInputException(corrupt + in.available() + " bytes after the last array");
            }
        } catch (UTFDataFormatException e) {
            throw new BadInputException(corrupt + "an array name is not valid modified UTF-8", e);
        } catch (IOException e) {                     // EOF inside the arrays
            throw new BadInputException(corrupt + "the arrays run past the end of the file", e);
        }
        return new Checkpoint(header, arrays);
    }

    private static void requireCount(String corrupt, JsonObject header, String key, long max) {
        JsonElement e = header.get(key);
        BigDecimal v = null;
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            try {
                v = p.getAsBigDecimal();
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        if (v == null || v.signum() < 0 || v.scale() > 0 && v.stripTrailingZeros().scale() > 0
                || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new BadInputException(corrupt + "header field '" + key + "' is " + e + "; expected an integer in [0, "
                    + max + "]");
        }
    }

    private static int intAt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static long longAt(byte[] b, int off) {
        return (long) intAt(b, off) << 32 | (intAt(b, off + 4) & 0xFFFFFFFFL);
    }

    /** The named array, copied into {@code target}; the lengths must agree. */
    public void restoreInto(String name, float[] target) {
        float[] a = arrays.get(name);
        if (a == null) throw new BadInputException("checkpoint has no array '" + name + "'");
        if (a.length != target.length) {
            throw new BadInputException("checkpoint array '" + name + "' has " + a.length + " values, the model needs "
                    + target.length);
        }
        System.arraycopy(a, 0, target, 0, a.length);
    }
}
