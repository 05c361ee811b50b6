#!/usr/bin/env python3
"""Reads a .docx with python-docx (independent of the Rust crate that wrote it) and prints
what a reader of the document sees, as JSON: the body's paragraphs (style and text) in order,
each table's cells, the inline pictures (size and the bytes' SHA-256), the footnote
references in the body and the footnotes' text, the page size, and the fonts of the styles.

Usage: read_docx.py FILE.docx
"""
import hashlib
import json
import sys

import docx
from docx.oxml.ns import qn
from lxml import etree

FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def footnotes(document):
    """The footnotes part, found through the document's relationships, as {id: text}, one
    line per paragraph of the note."""
    for rel in document.part.rels.values():
        if rel.reltype == FOOTNOTES:
            root = etree.fromstring(rel.target_part.blob)
            out = {}
            for note in root.iter(qn("w:footnote")):
                out[note.get(qn("w:id"))] = "\n".join(
                    "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in note.iter(qn("w:p"))
                )
            return out
    return {}


def main(path):
    d = docx.Document(path)
    body = []
    for p in d.paragraphs:
        refs = [r.get(qn("w:id")) for r in p._p.iter(qn("w:footnoteReference"))]
        body.append({"style": p.style.name, "text": p.text, "footnotes": refs})
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    pictures = []
    for shape in d.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = d.part.related_parts[blip.embed]
        pictures.append(
            {
                "width_mm": round(shape.width.mm, 1),
                "height_mm": round(shape.height.mm, 1),
                "content_type": part.content_type,
                "sha256": hashlib.sha256(part.blob).hexdigest(),
            }
        )
    fonts = {}
    for style in d.styles:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None:
            f = rpr.rFonts
            fonts[style.name] = {"eastAsia": f.get(qn("w:eastAsia")), "ascii": f.get(qn("w:ascii"))}
    section = d.sections[0]
    print(
        json.dumps(
            {
                "paragraphs": body,
                "tables": tables,
                "pictures": pictures,
                "footnotes": footnotes(d),
                "page_mm": [round(section.page_width.mm), round(section.page_height.mm)],
                "fonts": fonts,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
