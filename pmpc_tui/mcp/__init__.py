"""The MCP server: resources, tools and prompts as thin adapters over the services."""
