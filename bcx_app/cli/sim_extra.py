"""The simulators are an extra (``bcx[sim]``, the ``bcx-sim`` wheel), absent from the production wheel and
image: ``bcx sim …`` and ``bcx demo`` check they are installed before importing them, so a production image
answers with a clear configuration error (exit 2) instead of a traceback."""

from __future__ import annotations

import importlib

from bcx.errors import ConfigurationError

#: the simulators' package and the libraries only they use
NEEDED = ("simulators", "fpdf", "jinja2")


def require_simulators(command: str) -> None:
    """:class:`ConfigurationError` naming what is missing when the simulators cannot be imported."""
    missing = []
    for module in NEEDED:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ConfigurationError(
            f"`bcx {command}` needs the simulators, which production installs leave out "
            f"(missing: {', '.join(missing)}); install the bcx[sim] extra with the bcx-sim wheel "
            "(pip install ./simulators), or in a checkout pip install -e '.[sim]'"
        )
