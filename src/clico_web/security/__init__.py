"""Request-level protections: security headers and CSRF (both pure ASGI middleware)."""
