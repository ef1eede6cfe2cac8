"""Barcodes drawn as vector bars in the simulator's PDFs (shipping labels): Code 128 through
``python-barcode``'s encoder and QR through ``segno``; both only compute modules, fpdf2 draws them, so the
output is sharp at any scale and needs no image library. Layout lines: ``[code128] VALUE``, ``[qr] VALUE``.
"""

from __future__ import annotations

import barcode
import segno
from fpdf import FPDF

CODE128_MODULE_MM = 0.4
CODE128_HEIGHT_MM = 18.0
QR_MODULE_MM = 1.2
_QUIET_MODULES = 10


def code128_modules(value: str) -> str:
    """The Code 128 symbol of ``value`` as ``1`` (bar) and ``0`` (space) modules, without quiet zones."""
    built: list[str] = barcode.get("code128", value).build()
    return built[0]


def draw_code128(pdf: FPDF, value: str) -> None:
    """The symbol at the current position (quiet zones included), then its text below."""
    modules = code128_modules(value)
    x0 = pdf.l_margin + _QUIET_MODULES * CODE128_MODULE_MM
    y0 = pdf.get_y() + 2
    run_start: int | None = None
    for index, module in enumerate(modules + "0"):
        if module == "1" and run_start is None:
            run_start = index
        elif module != "1" and run_start is not None:
            width = (index - run_start) * CODE128_MODULE_MM
            pdf.rect(x0 + run_start * CODE128_MODULE_MM, y0, width, CODE128_HEIGHT_MM, style="F")
            run_start = None
    pdf.set_y(y0 + CODE128_HEIGHT_MM + 1)
    pdf.set_font("Courier", "", 10)
    pdf.cell(len(modules) * CODE128_MODULE_MM + 2 * x0 - 2 * pdf.l_margin, 5, value, align="C")
    pdf.ln(7)


def draw_qr(pdf: FPDF, value: str) -> None:
    """A (never micro) QR code of ``value`` at the current position, with its 4-module quiet zone."""
    matrix = segno.make(value, error="m", micro=False).matrix
    x0 = pdf.l_margin + 4 * QR_MODULE_MM
    y0 = pdf.get_y() + 4 * QR_MODULE_MM
    size = QR_MODULE_MM
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                pdf.rect(x0 + col * size, y0 + row * size, size, size, style="F")
    pdf.set_y(y0 + len(matrix) * QR_MODULE_MM + 4 * QR_MODULE_MM)
