package dev.kiln.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.kiln.error.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) for the files users write: configs and ARC task files. It
 * answers every deviation with the line and column and what is allowed, where a lenient parser
 * would guess:
 * <ul>
 *   <li>a duplicate key in an object (a lenient parser keeps the last value silently);</li>
 *   <li>comments, single quotes, unquoted keys, trailing commas, {@code NaN}/{@code Infinity},
 *       leading zeros or {@code +}, control characters in strings, data after the value;</li>
 *   <li>nesting deeper than {@link #MAX_DEPTH} (the parser is iterative, so no input can overflow
 *       the stack; the limit only keeps messages sane).</li>
 * </ul>
 * Files are read by {@link #readText}: regular files only (a FIFO or {@code /dev/zero} would hang
 * or exhaust memory), at most a given size, UTF-8 with the offset of the first invalid byte named.
 *
 * <p>Numbers keep their exact decimal spelling ({@link BigDecimal}), so that a reader can tell
 * {@code 1.5} or {@code 1e30} from an integer; the integers 0–255 are shared instances, which
 * keeps an ARC grid's cells cheap.
 */
public final class StrictJson {
    private StrictJson() {}

    /** The deepest nesting of lists and objects accepted. */
    public static final int MAX_DEPTH = 256;

    private static final JsonPrimitive[] SMALL = new JsonPrimitive[256];

    static {
        for (int i = 0; i < SMALL.length; i++) SMALL[i] = new JsonPrimitive(i);
    }

    /** Reads {@code file} (a regular file of at most {@code maxBytes}) as strict JSON. */
    public static JsonElement readFile(Path file, long maxBytes) {
        return parse(file.toString(), readText(file, maxBytes));
    }

    /**
     * The UTF-8 text of a regular file of at most {@code maxBytes} bytes; anything else is a
     * {@link BadInputException} naming the file, what it is and the OS reason.
     */
    public static String readText(Path file, long maxBytes) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);   // follows symbolic links
        } catch (IOException e) {
            throw IoErrors.bad("cannot read " + file, e);
        }
        if (a.isDirectory()) throw new BadInputException(file + ": is a directory; expected a file");
        if (!a.isRegularFile()) {
            throw new BadInputException(file + ": not a regular file (" + kind(file)
                    + "); expected a file on disk");
        }
        if (a.size() > maxBytes) {
            throw new BadInputException(file + ": " + a.size() + " bytes; files of this kind are at most "
                    + maxBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw IoErrors.bad("cannot read " + file, e);
        }
        if (bytes.length > maxBytes) {            // it grew while we looked
            throw new BadInputException(file + ": more than " + maxBytes + " bytes; files of this kind are at most "
                    + maxBytes + " bytes");
        }
        return decodeUtf8(file.toString(), bytes);
    }

    private static String kind(Path file) {
        try {
            if (Files.isSymbolicLink(file) && !Files.exists(file)) return "a dangling symbolic link";
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isOther()) return "a FIFO, socket or device";
        } catch (IOException ignored) {
            // fall through
        }
        return "a FIFO, socket or device";
    }

    /** Decodes UTF-8, naming the byte offset, line and value of the first invalid byte. */
    public static String decodeUtf8(String source, byte[] bytes) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new BadInputException(String.format("%s: cannot read: not UTF-8 text: invalid byte 0x%02x at byte offset %d "
                    + "(line %d); save the file as UTF-8", source, bytes[at] & 0xFF, at, line));
        }
        d.flush(out);
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;      // a byte-order mark is not content
    }

    /** Parses {@code text} as one strict JSON value; {@code source} names it in messages. */
    public static JsonElement parse(String source, String text) {
        return new Parser(source, text).document();
    }

    /** One container being filled: its element, the key awaiting a value, where each key was. */
    private record Open(JsonElement container, Map<String, Integer> keyAt, String[] pendingKey) {}

    private static final class Parser {
        private final String source;
        private final String s;
        private int i;                   // next character

        Parser(String source, String text) {
            this.source = source;
            this.s = text;
        }

        JsonElement document() {
            Deque<Open> stack = new ArrayDeque<>();
            JsonElement root = null;
            skipSpace();
            // States: expecting a value (start, after ':' or ',' in a list, after '[');
            // after a value: ',' or the container's closing bracket.
            boolean expectValue = true;
            boolean afterOpen = false;       // just after '[' or '{': a closing bracket is allowed
            while (true) {
                if (expectValue) {
                    Open top = stack.peek();
                    if (top != null && top.container.isJsonObject() && top.pendingKey[0] == null) {
                        // an object member: a key (or '}' right after '{')
                        if (afterOpen && peek() == '}') {
                            i++;
                            stack.pop();
                            JsonElement done = top.container;
                            if (stack.isEmpty()) {
                                root = done;
                                break;
                            }
                            expectValue = false;
                            afterOpen = false;
                            skipSpace();
                            continue;
                        }
                        int keyPos = i;
                        String key = key(afterOpen);
                        Integer first = top.keyAt.putIfAbsent(key, keyPos);
                        if (first != null) {
                            throw error(keyPos, "duplicate key \"" + key + "\" (first at " + position(first)
                                    + "); each key may appear once in an object");
                        }
                        skipSpace();
                        if (peek() != ':') throw error(i, "expected ':' after the key \"" + key + "\", found " + found());
                        i++;
                        skipSpace();
                        top.pendingKey[0] = key;
                        afterOpen = false;
                        continue;
                    }
                    if (top != null && afterOpen && top.container.isJsonArray() && peek() == ']') {
                        i++;
                        stack.pop();
                        if (stack.isEmpty()) {
                            root = top.container;
                            break;
                        }
                        expectValue = false;
                        afterOpen = false;
                        skipSpace();
                        continue;
                    }
                    afterOpen = false;
                    char c = peek();
                    if (c == '{' || c == '[') {
                        if (stack.size() >= MAX_DEPTH) {
                            throw error(i, "nested deeper than " + MAX_DEPTH + " levels of lists and objects");
                        }
                        i++;
                        JsonElement container = c == '{' ? new JsonObject() : new JsonArray();
                        attach(stack, container);
                        stack.push(new Open(container, c == '{' ? new HashMap<>() : null, new String[1]));
                        afterOpen = true;
                        skipSpace();
                        continue;
                    }
                    JsonElement v = scalar();
                    if (stack.isEmpty()) {
                        root = v;
                        break;
                    }
                    attach(stack, v);
                    expectValue = false;
                    skipSpace();
                    continue;
                }
                // after a value inside a container
                Open top = stack.peek();
                char close = top.container.isJsonObject() ? '}' : ']';
                char c = peek();
                if (c == ',') {
                    int comma = i;
                    i++;
                    skipSpace();
                    if (peek() == close) throw error(comma, "trailing comma before '" + close + "'; remove it");
                    expectValue = true;
                    continue;
                }
                if (c == close) {
                    i++;
                    stack.pop();
                    if (stack.isEmpty()) {
                        root = top.container;
                        break;
                    }
                    skipSpace();
                    continue;
                }
                throw error(i, "expected ',' or '" + close + "', found " + found());
            }
            skipSpace();
            if (i < s.length()) throw error(i, "data after the end of the top-level value: " + found());
            return root;
        }

        private void attach(Deque<Open> stack, JsonElement v) {
            Open top = stack.peek();
            if (top == null) return;
            if (top.container instanceof JsonArray a) {
                a.add(v);
            } else {
                ((JsonObject) top.container).add(top.pendingKey[0], v);
                top.pendingKey[0] = null;
            }
        }

        private String key(boolean first) {
            char c = peek();
            if (c == '"') return string();
            if (c == '}' && !first) throw error(i, "trailing comma before '}'; remove it");
            if (c == '\'') throw error(i, "single quotes are not JSON; write keys as \"key\"");
            if (c == '/') throw error(i, "comments are not allowed in JSON");
            if (Character.isLetter(c) || c == '_' || c == '$') {
                throw error(i, "unquoted key; JSON keys are strings in double quotes, e.g. \"" + word() + "\"");
            }
            throw error(i, "expected a key in double quotes, found " + found());
        }

        private JsonElement scalar() {
            char c = peek();
            switch (c) {
                case '"':
                    return new JsonPrimitive(string());
                case 't':
                    literal("true");
                    return new JsonPrimitive(true);
                case 'f':
                    literal("false");
                    return new JsonPrimitive(false);
                case 'n':
                    literal("null");
                    return JsonNull.INSTANCE;
                case '\'':
                    throw error(i, "single quotes are not JSON; write strings as \"text\"");
                case '/':
                    throw error(i, "comments are not allowed in JSON");
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    if (c == '+') throw error(i, "a number may not start with '+'");
                    if (c == 'N' || c == 'I') {
                        throw error(i, "'" + word() + "' is not a JSON number (NaN and Infinity are not allowed); "
                                + "give a finite number");
                    }
                    if (i >= s.length()) throw error(i, "unexpected end of input; expected a value");
                    throw error(i, "expected a value (a number, a string in double quotes, true, false, null, "
                            + "a list or an object), found " + found());
            }
        }

        private void literal(String word) {
            if (!s.startsWith(word, i)) {
                throw error(i, "'" + word() + "' is not a JSON value; did you mean " + word + "?");
            }
            i += word.length();
        }

        private JsonElement number() {
            int start = i;
            if (peek() == '-') i++;
            if (peek() == 'I') throw error(start, "'-Infinity' is not a JSON number; give a finite number");
            if (peek() == '0') {
                i++;
                if (isDigit(peek())) throw error(start, "a number may not have leading zeros");
            } else if (isDigit(peek())) {
                while (isDigit(peek())) i++;
            } else {
                throw error(start, "expected a digit after '-'");
            }
            boolean integer = true;
            if (peek() == '.') {
                integer = false;
                i++;
                if (!isDigit(peek())) throw error(i, "expected a digit after the decimal point");
                while (isDigit(peek())) i++;
            }
            if (peek() == 'e' || peek() == 'E') {
                integer = false;
                i++;
                if (peek() == '+' || peek() == '-') i++;
                if (!isDigit(peek())) throw error(i, "expected a digit in the exponent");
                while (isDigit(peek())) i++;
            }
            String text = s.substring(start, i);
            if (integer && text.length() <= 3) {
                int v = Integer.parseInt(text);
                if (v >= 0 && v < SMALL.length) return SMALL[v];
            }
            if (i - start > 400) throw error(start, "a number of " + (i - start) + " characters; at most 400");
            try {
                return new JsonPrimitive(new BigDecimal(text));
            } catch (NumberFormatException | ArithmeticException e) {
                throw error(start, "the number " + text + " is out of range");
            }
        }

        private String string() {
            int start = i;
            i++;                                        // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error(start, "unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c < 0x20) {
                    throw error(i - 1, String.format("control character U+%04X inside a string; write it as "
                            + "an escape (\\n, \\t, \\u%04x)", (int) c, (int) c));
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (i >= s.length()) throw error(start, "unterminated string");
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) throw error(i - 2, "incomplete \\u escape");
                        int v = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = Character.digit(s.charAt(i + k), 16);
                            if (h < 0) throw error(i - 2, "\\u must be followed by 4 hexadecimal digits");
                            v = v * 16 + h;
                        }
                        i += 4;
                        b.append((char) v);
                    }
                    default -> throw error(i - 2, "invalid escape \\" + e + "; allowed: \\\" \\\\ \\/ \\b \\f \\n "
                            + "\\r \\t \\uXXXX");
                }
            }
        }

        private void skipSpace() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    i++;
                } else if (c == '/' && i + 1 < s.length() && (s.charAt(i + 1) == '/' || s.charAt(i + 1) == '*')) {
                    throw error(i, "comments are not allowed in JSON; remove the comment");
                } else {
                    return;
                }
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        /** The word starting at the current position (for messages), at most 20 characters. */
        private String word() {
            int end = i;
            while (end < s.length() && end - i < 20
                    && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_' || s.charAt(end) == '-')) {
                end++;
            }
            return end == i ? String.valueOf(peek()) : s.substring(i, end);
        }

        private String found() {
            if (i >= s.length()) return "the end of the input";
            char c = s.charAt(i);
            return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        private String position(int at) {
            int line = 1, col = 1;
            for (int k = 0; k < at && k < s.length(); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return "line " + line + " column " + col;
        }

        private BadInputException error(int at, String what) {
            return new BadInputException(source + ": not valid JSON at " + position(at) + ": " + what);
        }
    }
}
