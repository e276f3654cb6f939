"""Every table rule, and the relations some of them join: the one list both engines run."""

from __future__ import annotations

from .claims import CLAIM_RULES
from .curation import CURATION_RULES
from .keys import FOREIGN_KEY_RULES
from .links import CAUSAL_CYCLES, LINK_RULES
from .rule import Relation, Rule
from .sections import SECTION_RULES

RULES: tuple[Rule, ...] = (*FOREIGN_KEY_RULES, *CLAIM_RULES, *SECTION_RULES, *LINK_RULES, *CURATION_RULES)
RELATIONS: tuple[Relation, ...] = (CAUSAL_CYCLES,)
