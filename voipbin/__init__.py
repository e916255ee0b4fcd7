"""voipbin core: domain services, repositories, table models, config, auth and events."""
