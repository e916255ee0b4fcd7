"""Query protection as one validation rule: depth, aliases and cost (DESIGN §5.1).

Errors carry `QUERY_TOO_COMPLEX` already, so the error mapper keeps them as they are.
Runs once per distinct document thanks to the validation cache, so variables are not
known here: a page size given by a variable counts as the largest page.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)

from voipbin.errors import ErrorCode

_PAGE_ARGS = ("first", "last")


def _too_complex(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value})


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], max_page: int) -> None:
        self.fragments = fragments
        self.max_page = max_page

    def measure(self, sel: SelectionSetNode | None, seen: frozenset[str]) -> tuple[int, int]:
        """(depth, cost) of a selection set, fragments inlined, cycles cut."""
        if sel is None:
            return 0, 0
        depth = cost = 0
        for node in sel.selections:
            if isinstance(node, FieldNode):
                if node.selection_set is None:
                    depth = max(depth, 1)
                    continue  # scalars are free: cost counts objects fetched
                d, c = self.measure(node.selection_set, seen)
                depth = max(depth, d + 1)
                cost += 1 + self._page_size(node) * c
            elif isinstance(node, InlineFragmentNode):
                d, c = self.measure(node.selection_set, seen)
                depth, cost = max(depth, d), cost + c
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                frag = self.fragments.get(name)
                if frag is None or name in seen:
                    continue
                d, c = self.measure(frag.selection_set, seen | {name})
                depth, cost = max(depth, d), cost + c
        return depth, cost

    def _page_size(self, node: FieldNode) -> int:
        for arg in node.arguments or ():
            if arg.name.value in _PAGE_ARGS:
                if isinstance(arg.value, IntValueNode):
                    return max(1, min(int(arg.value.value), self.max_page))
                return self.max_page
        return 1


def _count_aliases(node: Any) -> int:
    total = 0
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, FieldNode) and current.alias is not None:
            total += 1
        sel = getattr(current, "selection_set", None)
        if sel is not None:
            stack.extend(sel.selections)
    return total


def complexity_rule(
    max_depth: int, max_aliases: int, max_cost: int, max_page: int
) -> type[ASTValidationRule]:
    class ComplexityRule(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            doc = context.document
            fragments = {
                d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)
            }
            aliases = sum(_count_aliases(d) for d in doc.definitions)
            if aliases > max_aliases:
                context.report_error(
                    _too_complex(f"{aliases} aliases; at most {max_aliases} are allowed")
                )
            walker = _Walker(fragments, max_page)
            for op in doc.definitions:
                if not isinstance(op, OperationDefinitionNode):
                    continue
                depth, cost = walker.measure(op.selection_set, frozenset())
                if depth > max_depth:
                    context.report_error(
                        _too_complex(f"query depth {depth} exceeds the limit of {max_depth}")
                    )
                if cost > max_cost:
                    context.report_error(
                        _too_complex(f"query cost {cost} exceeds the budget of {max_cost}")
                    )

    return ComplexityRule
