"""The HTTP service in front of the store: the field app's API (/api/v1) and Open311 GeoReport v2
(/open311/v2) for citizen apps (docs/ARCHITECTURE.md "The field API"). It reads and writes only through
the store API, each request as its signed-in person (docs/SECURITY.md)."""
