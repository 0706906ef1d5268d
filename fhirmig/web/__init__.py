"""The last stage of the pipeline: a local web page where a patient keeps the diary.

>>> from fhirmig.web import serve
>>> serve("diary.json", port=0)  # doctest: +SKIP

The page lists attacks and days, logs and changes them through forms checked exactly as
``fhirmig validate`` checks a file, imports other apps' exports with a preview, and gives
the report and the FHIR as downloads. It listens on 127.0.0.1 only, every request needs the
per-run token, and every form its CSRF token; see docs/howto-web.md and docs/security.md.
The page owns no clinical, FHIR or report logic: it calls the library's public API.
Needs the ``web`` extra (``pip install 'fhirmig[web]'``).
"""

from fhirmig.web.app import NAV, create_app
from fhirmig.web.security import CSP, Secrets, loopback_url
from fhirmig.web.server import bind, serve
from fhirmig.web.uploads import APPLE_HEALTH_LIMIT, FORM_LIMIT, UPLOAD_LIMIT

__all__ = [
    "APPLE_HEALTH_LIMIT",
    "CSP",
    "FORM_LIMIT",
    "NAV",
    "UPLOAD_LIMIT",
    "Secrets",
    "bind",
    "create_app",
    "loopback_url",
    "serve",
]
