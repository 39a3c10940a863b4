package dev.kiln.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every Vector API kernel of kiln uses vectors of one shape, the preferred one. The JDK's vector
 * classes keep one receiver-type profile per call site of their shared code ({@code
 * FloatVector.intoArray}, {@code fromArray}, {@code lanewise}) for all callers; a second float
 * shape anywhere in the process (VectorReduce once loaded 4 floats as a 128-bit vector) makes C2
 * compile some JVMs' kernels with both shapes behind a type check and box their accumulators for
 * the JVM's whole life: the GEMM 10–40× slower (docs/performance.md, "The Vector API and C2").
 *
 * <p>The check reads the constant pools of kiln's compiled classes: a class that names a
 * fixed-shape species ({@code SPECIES_128}, …) or builds one from a shape names it there.
 */
class SimdShapeTest {
    /** Names that would bring in a second vector shape; SPECIES_PREFERRED is the one allowed. */
    private static final List<String> OTHER_SHAPES = List.of("SPECIES_64", "SPECIES_128", "SPECIES_256",
            "SPECIES_512", "SPECIES_MAX", "ofLargestShape", "withShape", "forBitSize", "jdk/incubator/vector/VectorShape");

    @Test
    void noKilnClassNamesAVectorShapeOtherThanThePreferredOne() throws IOException, URISyntaxException {
        Path classes = Path.of(Backend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> offenders = new ArrayList<>();
        int vectorClasses = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                // Constant-pool names are modified UTF-8; ASCII names read the same as ISO-8859-1.
                String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (!pool.contains("jdk/incubator/vector/")) continue;
                vectorClasses++;
                for (String name : OTHER_SHAPES) {
                    if (pool.contains(name)) offenders.add(classes.relativize(f) + " names " + name);
                }
            }
        }
        // The kernels that use the Vector API: GEMM, math, loss, class axis, pointwise, optim, reduce.
        assertTrue(vectorClasses >= 7, "found only " + vectorClasses + " classes using the Vector API under " + classes);
        assertEquals(List.of(), offenders);
    }
}
