import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.Triple;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.system.ErrorHandler;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.lib.ShLib;
import org.apache.jena.shacl.vocabulary.SHACL;
import org.apache.jena.sparql.graph.GraphFactory;

/**
 * A second, independent reader of our RDF: Apache Jena's strict parser on every file, and Jena
 * SHACL on the DCAT ones, so a document pyshacl accepts but another toolchain rejects still fails.
 *
 * <pre>
 *   java RdfCheck --shapes A.ttl --shapes B.ttl [--dcat] FILE ... [--rdf] FILE ...
 * </pre>
 *
 * Files after {@code --dcat} are parsed and validated; files after {@code --rdf} (the default) are
 * only parsed. The language is taken from the extension: .ttl Turtle, .xml/.rdf RDF/XML, .jsonld
 * JSON-LD. Parsing is strict ({@code RDFParser.strict(true)}) and every warning counts as a failure:
 * a harvester with a stricter parser than ours must not meet anything it could stumble on.
 *
 * All shape files are loaded as one shapes graph (the DCAT-AP ranges file is shapes, not ontology).
 * The published DCAT-AP 3.0.1 files point with {@code sh:property} at shapes neither file defines,
 * which Jena refuses; exactly those dangling triples are removed in memory, as tests/dcat/shacl.py
 * does for pyshacl. Exit status: 0 when every file parses cleanly and conforms, 1 otherwise.
 */
public final class RdfCheck {

    /** Collects RIOT's warnings and errors instead of logging them, so each can fail the run. */
    static final class Collecting implements ErrorHandler {
        final List<String> problems = new ArrayList<>();

        private void note(String kind, String message, long line, long col) {
            problems.add(String.format("%s at line %d, column %d: %s", kind, line, col, message));
        }

        @Override public void warning(String message, long line, long col) { note("warning", message, line, col); }
        @Override public void error(String message, long line, long col) { note("error", message, line, col); }
        @Override public void fatal(String message, long line, long col) {
            note("fatal", message, line, col);
            throw new RiotException(message);
        }
    }

    static Lang langOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ttl")) return Lang.TURTLE;
        if (name.endsWith(".xml") || name.endsWith(".rdf")) return Lang.RDFXML;
        if (name.endsWith(".jsonld")) return Lang.JSONLD;
        throw new IllegalArgumentException("no RDF language for the extension of " + file);
    }

    /** The file's graph, and in {@code problems} everything the strict parser complained about. */
    static Graph parseStrictly(Path file, List<String> problems) {
        Graph graph = GraphFactory.createDefaultGraph();
        Collecting handler = new Collecting();
        try {
            RDFParser.source(file).lang(langOf(file)).strict(true).errorHandler(handler).parse(graph);
        } catch (RiotException e) {
            if (handler.problems.isEmpty()) handler.problems.add("fatal: " + e.getMessage());
        }
        problems.addAll(handler.problems);
        return graph;
    }

    /** {@code sh:property} triples whose object no shape describes; Jena cannot parse them. */
    static List<Triple> danglingReferences(Graph shapes) {
        List<Triple> dangling = new ArrayList<>();
        shapes.find(Node.ANY, SHACL.property, Node.ANY).forEachRemaining(t -> {
            if (!shapes.contains(t.getObject(), Node.ANY, Node.ANY)) dangling.add(t);
        });
        return dangling;
    }

    static Shapes loadShapes(List<Path> files) {
        Graph merged = GraphFactory.createDefaultGraph();
        for (Path file : files) {
            List<String> problems = new ArrayList<>();
            Graph graph = parseStrictly(file, problems);
            if (!problems.isEmpty()) throw new IllegalStateException("shapes file " + file + ": " + problems);
            graph.find().forEachRemaining(merged::add);
        }
        danglingReferences(merged).forEach(merged::delete);
        return Shapes.parse(merged);
    }

    public static void main(String[] args) {
        List<Path> shapeFiles = new ArrayList<>();
        List<Path> dcatFiles = new ArrayList<>();
        List<Path> rdfFiles = new ArrayList<>();
        List<Path> current = rdfFiles;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shapes" -> shapeFiles.add(Path.of(args[++i]));
                case "--dcat" -> current = dcatFiles;
                case "--rdf" -> current = rdfFiles;
                default -> current.add(Path.of(args[i]));
            }
        }
        if (!dcatFiles.isEmpty() && shapeFiles.isEmpty()) {
            System.err.println("RdfCheck: --dcat files need at least one --shapes file");
            System.exit(2);
        }
        Shapes shapes = dcatFiles.isEmpty() ? null : loadShapes(shapeFiles);
        int failures = 0;
        for (Path file : rdfFiles) failures += check(file, null);
        for (Path file : dcatFiles) failures += check(file, shapes);
        System.out.printf("RdfCheck: %d file(s) checked, %d failed%n", rdfFiles.size() + dcatFiles.size(), failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** 1 if {@code file} does not parse cleanly or (with shapes) does not conform, else 0. */
    static int check(Path file, Shapes shapes) {
        List<String> problems = new ArrayList<>();
        Graph graph = parseStrictly(file, problems);
        if (!problems.isEmpty()) {
            System.out.println("FAIL parse " + file);
            problems.forEach(p -> System.out.println("  " + p));
            return 1;
        }
        if (shapes != null) {
            ValidationReport report = ShaclValidator.get().validate(shapes, graph);
            if (!report.conforms()) {
                System.out.println("FAIL shacl " + file);
                ShLib.printReport(System.out, report);
                return 1;
            }
        }
        System.out.println("ok " + file);
        return 0;
    }
}
