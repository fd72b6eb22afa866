"""The IaC editor: workspace tree, HCL/YAML editor, validate on save, diff against the last generated
version. Unsaved edits are kept as drafts (restored on reopen), so quitting never loses them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DirectoryTree, Footer, Header, Static, TextArea

from pmpc_tui.services import editor as svc
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.iac_tree import IacTree

DRAFT_DELAY = 1.0
NO_WORKSPACE = ("No workspace here. Create one with `proxmox-mpc init` (or /init in the console), "
                "then open the console inside it.")


def hcl_language() -> tuple[Any, str] | None:
    """The tree-sitter HCL grammar and our highlight query, when the grammar is installed."""
    try:
        import tree_sitter_hcl
        from tree_sitter import Language
    except ImportError:
        return None
    query = (Path(__file__).parent.parent / "assets" / "hcl-highlights.scm").read_text()
    return Language(tree_sitter_hcl.language()), query


class EditorScreen(Screen[None]):
    """Edit the workspace's Terraform and Ansible files."""

    AUTO_FOCUS = "#iac-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+g", "diff", "Diff"),
        Binding("ctrl+e", "focus_tree", "Files", priority=True),  # TextArea's ctrl+e (line end) yields to it
        Binding("escape", "focus_tree", "Files", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.path: Path | None = None
        self.saved_text = ""
        self._draft_timer: Any = None
        self._composed_root: Path | None = None

    @property
    def root(self) -> Path | None:
        root = proxmox_app(self).workspace_root
        return Path(root) if root else None

    def compose(self) -> ComposeResult:
        yield Header()
        root = self._composed_root = self.root
        with Horizontal(id="editor-body"):
            if root is not None:
                yield IacTree(root, id="iac-tree")
            with Vertical(id="editor-main"):
                yield Static(NO_WORKSPACE if root is None else "Pick a file on the left (Enter opens it).",
                             id="editor-title")
                editor = TextArea.code_editor("", id="editor", soft_wrap=False)
                editor.display = False  # until a file is opened
                yield editor
                yield Static("", id="problems")
        yield Footer()

    def on_mount(self) -> None:
        grammar = hcl_language()
        if grammar is not None:
            self.query_one("#editor", TextArea).register_language("hcl", *grammar)
        proxmox_app(self).unsaved_checks.append(self.unsaved_files)

    async def on_screen_resume(self) -> None:
        """Coming back: a workspace created meanwhile is shown; new files (e.g. after /sync) appear."""
        if self.root != self._composed_root:
            await self.recompose()
            self.on_mount()
        elif self.root is not None:
            await self.query_one("#iac-tree", IacTree).reload()

    # ---- opening -------------------------------------------------------------------------
    @on(DirectoryTree.FileSelected, "#iac-tree")
    def _file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.open_file(Path(event.path))

    @work(exclusive=True, group="editor-io")
    async def open_file(self, path: Path) -> None:
        """Load a file (and its draft, if one was left from an unsaved edit)."""
        root = self.root
        if root is None:
            return
        if self.path is not None and self.dirty:
            await asyncio.to_thread(svc.save_draft, root, self.path, self.text)
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.notify(f"Cannot open {path.name}: {exc}", severity="error")
            return
        draft = await asyncio.to_thread(svc.load_draft, root, path)
        self.path, self.saved_text = path, text
        editor = self.query_one("#editor", TextArea)
        editor.language = svc.language_for(path) if svc.language_for(path) in editor.available_languages else None
        editor.load_text(draft if draft is not None else text)
        editor.display = True
        editor.focus()
        self._show_problems([])
        self._update_title()
        if draft is not None and draft != text:
            self.notify(f"Restored unsaved edits of {path.name} (kept as a draft). Ctrl+S saves them.",
                        title="Draft restored", timeout=8)

    # ---- state ---------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.query_one("#editor", TextArea).text

    @property
    def dirty(self) -> bool:
        return self.path is not None and self.text != self.saved_text

    def unsaved_files(self) -> list[Path]:
        """Files with edits not written to the workspace (drafts keep them safe)."""
        return [self.path] if self.path is not None and self.dirty else []

    def flush_draft(self) -> None:
        """Write the current unsaved buffer as a draft now (used before quitting)."""
        root = self.root
        if root is not None and self.path is not None and self.dirty:
            svc.save_draft(root, self.path, self.text)

    def _update_title(self) -> None:
        if self.path is None or self.root is None:
            return
        rel = self.path.relative_to(self.root)
        state = "● modified (draft kept)" if self.dirty else "saved"
        self.query_one("#editor-title", Static).update(
            f"[b]{rel}[/b]  {state}\n^s save · ^g diff · Esc/^e files (there, 1–9 switch screens)")

    @on(TextArea.Changed, "#editor")
    def _changed(self) -> None:
        self._update_title()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.dirty:
            self._draft_timer = self.set_timer(DRAFT_DELAY, self.keep_draft)

    @work(exclusive=True, group="editor-draft")
    async def keep_draft(self) -> None:
        root, path = self.root, self.path
        if root is not None and path is not None and self.dirty:
            await asyncio.to_thread(svc.save_draft, root, path, self.text)

    # ---- actions -------------------------------------------------------------------------
    def action_focus_tree(self) -> None:
        if self.root is not None:
            self.query_one("#iac-tree", IacTree).focus()

    def action_save(self) -> None:
        if self.path is None:
            self.notify("Open a file first.", severity="warning")
            return
        self.save()

    @work(exclusive=True, group="editor-io")
    async def save(self) -> None:
        """Validate and write the file atomically; problems are listed with line and column."""
        root, path, text = self.root, self.path, self.text
        if root is None or path is None:
            return
        try:
            problems = await asyncio.to_thread(svc.save_file, root, path, text)
        except OSError as exc:
            self.notify(f"Could not save {path.name}: {exc} — your edits are kept as a draft.", severity="error")
            return
        self.saved_text = text
        self._update_title()
        self._show_problems(problems)
        if problems:
            first = problems[0]
            self.query_one("#editor", TextArea).move_cursor((first.line - 1, max(first.column - 1, 0)))
            self.notify(f"Saved {path.name} with {len(problems)} problem(s) — see below.", severity="warning")
        else:
            self.notify(f"Saved {path.name} · valid", title="Saved")

    def action_diff(self) -> None:
        root, path = self.root, self.path
        if root is None or path is None:
            self.notify("Open a file first.", severity="warning")
            return
        diff = svc.diff_against_generated(root, path, self.text)
        if svc.generated_version(root, path) is None:
            self.notify(f"{path.name} was not generated by proxmox-mpc, so there is nothing to compare.",
                        title="Diff")
            return
        from pmpc_tui.tui.widgets.text_view import TextViewScreen

        self.app.push_screen(TextViewScreen(f"{path.name}: your version vs. last generated",
                                            diff or "No difference: the file is as proxmox-mpc generated it.",
                                            language="diff"))

    def _show_problems(self, problems: list[svc.Problem]) -> None:
        from rich.markup import escape

        box = self.query_one("#problems", Static)
        if not problems:
            box.update("")
            return
        lines = [f"[b]{len(problems)} problem(s)[/b]"]
        for p in problems[:8]:
            colour = "red" if p.severity == "error" else "yellow"
            lines.append(f"  [{colour}]{p.line}:{p.column}[/{colour}] {escape(p.message)}")
        box.update("\n".join(lines))
