"""Strawberry types, inputs and enums per domain: fields and from_model mappers only."""
