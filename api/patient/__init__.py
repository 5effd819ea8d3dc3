"""The patient's own page (/p/{token}): access tokens issued by staff, the page itself, its QR code."""
