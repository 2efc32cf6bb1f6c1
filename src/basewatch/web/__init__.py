"""The web dashboard (`basewatch serve`): an offline map, timelines, claims and evidence over a workspace.

`app.create_app` builds the ASGI app (API in `api`, security in `app.Guard`), `source` hands out read-only
cursors, `server.serve` runs it with uvicorn. The page and its vendored scripts and basemap are in static/.
"""
