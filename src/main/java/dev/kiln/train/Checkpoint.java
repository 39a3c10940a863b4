package dev.kiln.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.kiln.error.BadInputException;
import dev.kiln.io.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint: a JSON header (epoch, generator states, controller states…) and named
 * float arrays (parameters, optimizer moments). Binary layout, big-endian:
 * <pre>
 *   "KILNCKPT" (8 bytes) | version int | header length int | header UTF-8 JSON
 *   | array count int | per array: name (writeUTF) | length int | length floats
 * </pre>
 * Written to a temporary file in the same directory and renamed over the old one, so a run killed
 * mid-write leaves the previous checkpoint intact.
 */
public record Checkpoint(JsonObject header, Map<String, float[]> arrays) {
    private static final byte[] MAGIC = "KILNCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final Gson GSON = new Gson();

    public Checkpoint {
        arrays = new LinkedHashMap<>(arrays);
    }

    /** Writes atomically: temp file, fsync, rename ({@link AtomicFiles}). */
    public void write(Path file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
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
            throw new UncheckedIOException("cannot encode checkpoint " + file, e);
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /** Reads a checkpoint; a file that is not one, or is cut short, is reported as bad input. */
    public static Checkpoint read(Path file) {
        try (var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new BadInputException(file + ": not a kiln checkpoint (bad magic bytes)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new BadInputException(file + ": checkpoint version " + version + ", this kiln reads "
                        + VERSION);
            }
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            JsonObject header = GSON.fromJson(new String(json, StandardCharsets.UTF_8), JsonObject.class);
            int count = in.readInt();
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                float[] a = new float[in.readInt()];
                for (int j = 0; j < a.length; j++) a[j] = in.readFloat();
                arrays.put(name, a);
            }
            return new Checkpoint(header, arrays);
        } catch (EOFException e) {
            throw new BadInputException(file + ": checkpoint is truncated", e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read checkpoint: " + e.getMessage(), e);
        }
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
