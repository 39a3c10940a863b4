package dev.kiln.lesson;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/walkthrough.md} points teachers at real code: every relative link names a file that
 * exists, a link written {@code [`Class.method`](…/Class.java)} names a method declared in that
 * file, every {@code #anchor} is a heading of its page, and each of the eight steps links code.
 */
class WalkthroughLinksTest {
    static final Path DOC = Path.of("docs", "walkthrough.md");
    /** A Markdown link: [text](target). */
    static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)");
    /** Link text naming code: `Class` or `Class.method`. */
    static final Pattern CODE = Pattern.compile("`([A-Z]\\w*)(?:\\.(\\w+))?`");
    /** A step heading: "## 3. μ and log σ² ...". */
    static final Pattern STEP = Pattern.compile("^## (\\d+)\\. ");

    record Link(int line, String text, String target) {
        Path file() {
            String path = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
            return DOC.getParent().resolve(path).normalize();
        }

        String anchor() {
            return target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        }

        boolean local() {
            return !target.startsWith("http://") && !target.startsWith("https://") && !target.startsWith("#");
        }
    }

    static List<String> lines() throws IOException {
        return Files.readAllLines(DOC, StandardCharsets.UTF_8);
    }

    static List<Link> links(List<String> lines) {
        List<Link> all = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINK.matcher(lines.get(i));
            while (m.find()) all.add(new Link(i + 1, m.group(1), m.group(2)));
        }
        return all;
    }

    /**
     * Whether {@code source} declares a method (or constructor) called {@code name}: a line that
     * starts with optional modifiers and a return type, then the name and "(".
     */
    static boolean declares(String source, String name) {
        Pattern decl = Pattern.compile("(?m)^[ \\t]*(?:@\\w+[ \\t]+)*"
                + "(?:(?:public|protected|private|static|final|abstract|default|synchronized|native)[ \\t]+)*"
                + "(?:<[^>]+>[ \\t]+)?"
                + "(?!(?:return|new|else|throw)\\b)[\\w$][\\w.$]*(?:<[^()]*>)?(?:\\[\\])*[ \\t]+"
                + Pattern.quote(name) + "[ \\t]*\\(");
        return decl.matcher(source).find();
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String slug(String heading) {
        String s = heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "");
        return s.replace(' ', '-');
    }

    @Test
    void everyLinkedFileExists() throws IOException {
        List<Link> links = links(lines());
        assertTrue(links.size() >= 30, "only " + links.size() + " links");
        for (Link l : links) {
            if (!l.local()) continue;
            assertTrue(Files.isRegularFile(l.file()), "line " + l.line() + ": " + l.target() + " does not exist ("
                    + l.file().toAbsolutePath() + ")");
        }
    }

    @Test
    void everyLinkedMethodIsDeclaredInTheLinkedFile() throws IOException {
        int methods = 0;
        for (Link l : links(lines())) {
            Matcher m = CODE.matcher(l.text());
            if (!l.local() || !l.target().endsWith(".java") || !m.matches()) continue;
            String file = l.file().getFileName().toString();
            assertEquals(m.group(1) + ".java", file, "line " + l.line() + ": " + l.text() + " links " + file);
            if (m.group(2) == null) continue;
            String source = Files.readString(l.file(), StandardCharsets.UTF_8);
            assertTrue(declares(source, m.group(2)), "line " + l.line() + ": " + file + " declares no method "
                    + m.group(2));
            methods++;
        }
        assertTrue(methods >= 30, "only " + methods + " method links");
    }

    @Test
    void everyAnchorIsAHeadingOfItsPage() throws IOException {
        for (Link l : links(lines())) {
            if (!l.local() || l.anchor() == null) continue;
            List<String> slugs = new ArrayList<>();
            for (String line : Files.readAllLines(l.file(), StandardCharsets.UTF_8)) {
                if (line.startsWith("#")) slugs.add(slug(line.replaceFirst("^#+", "")));
            }
            assertTrue(slugs.contains(l.anchor()), "line " + l.line() + ": no heading #" + l.anchor() + " in "
                    + l.file());
        }
    }

    @Test
    void theEightStepsComeInOrderAndEachLinksAMethod() throws IOException {
        List<String> lines = lines();
        List<Integer> steps = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = STEP.matcher(lines.get(i));
            if (m.find()) {
                steps.add(Integer.parseInt(m.group(1)));
                starts.add(i);
            }
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), steps);
        for (int s = 0; s < starts.size(); s++) {
            int from = starts.get(s), to = from + 1;
            while (to < lines.size() && !lines.get(to).startsWith("## ")) to++;
            boolean linksMethod = false;
            for (Link l : links(lines.subList(from, to))) {
                Matcher m = CODE.matcher(l.text());
                if (l.target().endsWith(".java") && m.matches() && m.group(2) != null) linksMethod = true;
            }
            assertTrue(linksMethod, "step " + steps.get(s) + " links no method");
        }
    }

    @Test
    void theDeclarationMatcherFindsDeclarationsButNotCalls() {
        String source = """
                public final class X {
                    @Override public Tensor forward(Tensor x) {
                        return decoder.forward(x);
                    }
                    static <T> List<T> pick(int n) { return null; }
                    default void zeroGrad() {}
                    void gemm(boolean a,
                              int m);
                }
                """;
        assertTrue(declares(source, "forward"));
        assertTrue(declares(source, "pick"));
        assertTrue(declares(source, "zeroGrad"));
        assertTrue(declares(source, "gemm"));
        assertFalse(declares("        return decoder.backward(x);\n", "backward"));
        assertFalse(declares("        Tensor h = encoder.forward(x);\n", "forward"));
        assertFalse(declares(" * Tensor forward(Tensor x) in a comment\n", "forward"));
    }
}
