"""Code 128 barcodes drawn as vector bars in the simulator's PDFs (shipping labels): ``python-barcode``'s
encoder computes the modules and fpdf2 draws them, so the bars are sharp at any scale. Layout line:
``[code128] VALUE``. QR codes (``[qr] VALUE``) are segno images placed by :mod:`simulators.exstream.render`.
"""

from __future__ import annotations

import barcode
from fpdf import FPDF

CODE128_MODULE_MM = 0.4
CODE128_HEIGHT_MM = 18.0
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
