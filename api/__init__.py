"""The HTTP surface: create_app(settings) in api.app; routers per area in api.routes; the web page."""
