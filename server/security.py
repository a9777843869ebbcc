"""Security headers on every response (a CSP without inline script, and more); a body size limit.

Pages carry no inline script and no inline style (data reaches scripts in
`<script type="application/json">` blocks; styles live in `static/`), so the policy allows only
this server's own files. The one exception is the query editor (`/query`): YASGUI's bundle
writes `<style>` elements and style attributes, so that page alone also allows inline styles
(its scripts need no `'unsafe-eval'`: tests/test_browser.py runs it under this policy). Every
page refuses to be framed (`frame-ancestors 'none'`).
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

_BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# What YASGUI's bundle needs on /query, and nothing more (checked in tests/test_browser.py).
_EDITOR_POLICY = _BASE_POLICY | {"style-src": "'self' 'unsafe-inline'"}
_EDITOR_PATHS = frozenset({"/query"})


def _policy_text(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


BASE_POLICY = _policy_text(_BASE_POLICY)
EDITOR_POLICY = _policy_text(_EDITOR_POLICY)

_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the policy for this request's page and the other headers, on any response."""
    editor = request.path in _EDITOR_PATHS
    response.headers["Content-Security-Policy"] = EDITOR_POLICY if editor else BASE_POLICY
    for header, value in _HEADERS.items():
        response.headers.setdefault(header, value)
    return response


def refuse_oversized_body() -> None:
    """413 for a declared body over the limit, whatever the route would have done with it.

    Flask enforces `MAX_CONTENT_LENGTH` only when a view reads the body; a view that refuses
    the request for another reason first would answer 400 to a body it never looked at.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def init_app(app: Flask) -> None:
    """Refuse oversized bodies; add the security headers to every response, errors included."""
    app.before_request(refuse_oversized_body)
    app.after_request(add_security_headers)
