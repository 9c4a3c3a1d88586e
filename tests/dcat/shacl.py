"""DCAT-AP 3.0.1 validation as ``../shared/dcat-ap/README.md`` prescribes (issue 19).

Both published files are shapes: the SHACL file (mandatory properties, cardinalities) and the
ranges file (the class of each object property's value), loaded together as one shapes graph.
The published files point with ``sh:property`` at a few shapes neither defines; pyshacl refuses
such a graph, so exactly those dangling ``sh:property`` triples are removed in memory — the
shapes themselves are never changed.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

SHAPES_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "dcat-ap"
SHAPE_FILES = ("dcat-ap-3.0.1-SHACL.ttl", "dcat-ap-3.0.1-ranges.ttl")


def dangling_references(shapes: rdflib.Graph) -> list[tuple]:
    """``sh:property`` triples whose object is described nowhere in the shapes graph."""
    return [(shape, SH.property, target) for shape, target in shapes.subject_objects(SH.property)
            if (target, None, None) not in shapes]


@cache
def shapes_graph() -> rdflib.Graph:
    shapes = rdflib.Graph()
    for name in SHAPE_FILES:
        shapes.parse(SHAPES_DIR / name)
    for triple in dangling_references(shapes):
        shapes.remove(triple)
    return shapes


def validate(graph: rdflib.Graph) -> tuple[bool, str]:
    """Whether ``graph`` conforms to both shape files, and pyshacl's report if not."""
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none")
    return conforms, text
