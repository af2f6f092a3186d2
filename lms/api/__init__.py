"""JSON API v1 for BI tools: personal API tokens, read-only endpoints and their OpenAPI document."""
