"""The queue-ticket printer: ESC/POS rendering (bytes only) and the transports that send them.

Rendering never touches a port; a transport only sends bytes and asks `DLE EOT` for status (STYLE.md,
python-escpos: commands build bytes, transports only send them). Import cost matters: `escpos` loads its
printer database at import (0.2–0.3 s), so only the print worker and the CLI import these modules.
"""
