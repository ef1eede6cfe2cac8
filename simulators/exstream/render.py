"""Turning a filled-in layout into real documents: PDF with fpdf2, HTML as rendered by the template.

The PDF layout is plain text produced by a Jinja template, one instruction per line:
``# `` title, ``## `` section heading, ``- `` bullet, ``| a | b |`` table row, ``---`` rule, a blank line a
gap, ``[code128] VALUE`` a Code 128 barcode (:mod:`simulators.exstream.barcodes`), ``[qr] VALUE`` a QR code of
the raw value (segno, error correction M; a URL must not lose characters), anything else a paragraph. Core
PDF fonts are used with the Windows-1252 encoding (Latin-1 plus €, curly quotes and dashes, which invoices
need); other characters are replaced.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from simulators.exstream.barcodes import draw_code128


def _latin1(text: str) -> str:
    return text.encode("cp1252", "replace").decode("cp1252")


def render_pdf(layout: str, *, title: str, author: str = "Exstream simulator") -> bytes:
    """A PDF whose text is ``layout`` interpreted line by line (see the module docstring)."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_title(_latin1(title))
    pdf.set_author(author)
    pdf.set_creator("bcx exstream simulator")
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=UTC))  # byte-stable output for equal input
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw
    for raw in layout.splitlines():
        line = _latin1(raw.rstrip())
        if line.startswith("[code128] "):
            draw_code128(pdf, line[10:].strip())
        elif line.startswith("# "):
            pdf.set_font("Helvetica", "B", 18)
            pdf.multi_cell(width, 9, line[2:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        elif line.startswith("## "):
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(width, 7, line[3:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif raw.startswith("[qr] "):
            _qr(pdf, raw[5:].strip())
        elif line.strip() == "---":
            y = pdf.get_y() + 1
            pdf.line(pdf.l_margin, y, pdf.l_margin + width, y)
            pdf.ln(3)
        elif line.startswith("|") and line.endswith("|") and len(line) > 1:
            cells = [c.strip() for c in line[1:-1].split("|")]
            pdf.set_font("Helvetica", "", 10)
            cell_w = width / max(1, len(cells))
            for cell in cells:
                pdf.cell(cell_w, 6, cell[:60], border=1)
            pdf.ln(6)
        elif line.startswith("- "):
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(width, 6, "  * " + line[2:], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif not line.strip():
            pdf.ln(3)
        else:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(width, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _qr(pdf: FPDF, text: str) -> None:
    """A 40 mm QR code of ``text`` at the left margin (the raw text: a URL must not lose characters)."""
    image = io.BytesIO()
    segno.make(text, error="m", micro=False).save(image, kind="png", scale=8, border=4)
    image.seek(0)
    pdf.image(image, x=pdf.l_margin, w=40, h=40)
    pdf.ln(2)


_BENCHMARK_PDF: bytes | None = None


def benchmark_pdf() -> bytes:
    """A small fixed PDF, rendered once, for benchmark mode (no per-request rendering cost)."""
    global _BENCHMARK_PDF
    if _BENCHMARK_PDF is None:
        _BENCHMARK_PDF = render_pdf("# Benchmark document\nFixed content.", title="Benchmark")
    return _BENCHMARK_PDF
