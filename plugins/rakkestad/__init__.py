"""rakkestad: Rakkestad's action guides, system-level arenas and the words undring, bekymring, BEKYMRING.

Action guides for helsestasjon, barnehage, skole and familiehjelpen (service type
``familietjeneste``); the styringsgruppe and prosessgruppe as arenas at system level with their
mandate; and the three definitions as a tool («Undring, bekymring eller BEKYMRING?») and as the
text of step 1 on level 0 in every guide (``DEFINITIONS`` holds them for other uses). Enable it
after ``bti-standard``, whose tools the guides use. Imports ``contracts`` only.
"""

from __future__ import annotations

from .definitions import DEFINITIONS
from .hooks import provide_action_guides, provide_meeting_arenas, provide_tools

__all__ = ["DEFINITIONS", "provide_action_guides", "provide_meeting_arenas", "provide_tools"]
