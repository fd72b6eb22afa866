"""The MCP tool for plain English: what a request would do, as `proxmox-mpc ask --explain` shows it.

It only reads (the cluster's names) and never runs anything: an assistant shows the proposal to the user and
calls the matching tools itself, each with its own confirmation.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.mcp import models
from pmpc_tui.mcp.common import READ, guarded
from pmpc_tui.services.session import Session


def register(server: MCPServer, session: Session) -> None:
    """Add `propose` to `server`, reading the cluster's names through `session`."""

    @server.tool(annotations=READ, description="Turn a plain-English request into proxmox-mpc command lines with "
                                               "their targets, risk class and whether the user must confirm. Runs "
                                               "nothing; refusals (negation, scheduling, conditions) say why.")
    async def propose(request: str) -> models.Proposal:
        from pmpc_tui.nl.propose import propose as service
        from pmpc_tui.services.live import load_cluster_view
        from pmpc_tui.services.names import Names

        async def go() -> Any:
            names = Names.from_view(await load_cluster_view(await session.client()))
            ws = session.workspace()
            return (await service(request, names, workspace_root=ws.root if ws else None)).as_json()
        return models.Proposal.model_validate(await guarded(go))
