"""QR codes of the patient's page address: the module matrix, and a standalone SVG file of it to download.

Error correction M (15 % of the code may be lost: a creased or smudged ticket still scans) and the smallest
version that holds the data. `qrcode` is imported inside the functions so the API starts without it.
"""

from __future__ import annotations

import itertools


def qr_matrix(data: str) -> tuple[str, ...]:
    """The rows of the QR code of `data` as strings of "1" (dark) and "0", without the quiet zone."""
    import qrcode
    import qrcode.constants

    code = qrcode.QRCode(version=None, error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return tuple("".join("1" if dark else "0" for dark in row) for row in matrix)


def qr_svg(data: str, *, module: int = 8, border: int = 4) -> str:
    """A complete SVG document of the QR code of `data`: `module` pixels a module, a white quiet zone of
    `border` modules (the standard asks for 4), the dark modules as one path of horizontal runs."""
    if module < 1 or border < 0:
        raise ValueError(f"a QR code needs module ≥ 1 and border ≥ 0; got module={module}, border={border}")
    rows = qr_matrix(data)
    side = len(rows) + 2 * border
    runs: list[str] = []
    for y, row in enumerate(rows):
        x = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark == "1":
                runs.append(f"M{x + border} {y + border}h{length}v1h-{length}z")
            x += length
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * module}" height="{side * module}" '
        f'viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{"".join(runs)}" fill="#000"/></svg>\n'
    )
