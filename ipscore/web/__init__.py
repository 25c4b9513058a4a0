"""`ipscore serve`: self-check and review in the browser (the `web` extra: Starlette, uvicorn)."""
