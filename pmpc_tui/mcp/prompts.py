"""MCP prompts: troubleshoot, optimize, plan a change — each pointing the assistant at the tools to use."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer


def register(server: MCPServer) -> None:
    """Add the prompts to `server`."""

    @server.prompt(description="Find out why something fails, with the tool's own evidence.")
    def troubleshoot(problem: str) -> str:
        return (f"Troubleshoot this Proxmox VE problem: {problem}. Call health() first, then describe_guest() "
                "for the guests involved and read pmpc://logs/recent; explain the cause and the next step.")

    @server.prompt(description="Suggest how to use the cluster's resources better.")
    def optimize() -> str:
        return ("Read pmpc://infrastructure. Point out over- and under-used nodes, guests with far more memory "
                "or CPU than they use, and storage above 80 %. Propose concrete changes to the workspace's code.")

    @server.prompt(description="Plan a change to the infrastructure as code, safely.")
    def plan_change(change: str) -> str:
        return (f"The user wants: {change}. Read pmpc://workspace, propose the code change, call validate() and "
                "plan(), show the plan, and only after the user agrees call apply(confirm=true).")
