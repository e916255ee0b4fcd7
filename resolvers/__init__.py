"""Thin GraphQL resolvers: authenticate, call one service method, map with from_model."""
