"""Every tool form a municipality has is checked against its schema when it is written to the stafettlogg.

Until the web pages exist, a form reaches the log through the service layer (``log.add_note`` with a
``tool_id``); the JSON API calls the same service.
"""

from __future__ import annotations

import pytest

from configs import CONFIG_DIR
from contracts.forms import load_tools
from core.errors import InvalidInput

VALID = {
    "agder-drofting": {
        "dato": "2025-03-03",
        "anonym": True,
        "problemstilling": "Eleven trekker seg unna i friminuttene.",
        "rad": "Prøv faste roller i friminuttet og snakk med foreldrene.",
        "videre": "fortsett-niva-1",
    },
    "agder-overlevering": {
        "dato": "2025-03-03",
        "grunn": "Overgang fra barnehage til skole.",
        "tiltak_status": "Fast voksen ved oppstart virker; evalueres i april.",
        "foreldre_informert": True,
    },
    "rakkestad-begreper": {"dato": "2025-03-03", "vurdering": "undring", "begrunnelse": "Virker trist."},
}
MUNICIPALITIES = [
    ("demo.toml", "9901"),
    ("agder.toml", "4204"),
    ("agder.toml", "4206"),
    ("rakkestad.toml", "3120"),
]


@pytest.mark.parametrize(("config", "municipality_id"), MUNICIPALITIES)
def test_every_enabled_tool_refuses_a_form_that_breaks_its_schema(
    stafett_municipality, config, municipality_id
) -> None:
    kommune = stafett_municipality(config=CONFIG_DIR / config, municipality_id=municipality_id)
    case = kommune.open_case()
    assert kommune.plugins.tools, "a municipality without tools would make this test pass vacuously"
    for tool_id in kommune.plugins.tools:
        with pytest.raises(InvalidInput, match="ukjent felt «hemmelig»"), kommune.system() as w:
            w.log.add_note(case.id, "", tool_id=tool_id, form={"hemmelig": "x"})
    with kommune.system() as w:
        assert [e.kind for e in w.log.entries(case.id)] == ["concern"]  # nothing half-written


@pytest.mark.parametrize(("config", "municipality_id"), MUNICIPALITIES)
def test_the_regional_tools_accept_a_filled_in_form(stafett_municipality, config, municipality_id) -> None:
    kommune = stafett_municipality(config=CONFIG_DIR / config, municipality_id=municipality_id)
    case = kommune.open_case()
    for tool_id, form in VALID.items():
        with kommune.system() as w:
            if tool_id in kommune.plugins.tools:
                entry = w.log.add_note(case.id, "", tool_id=tool_id, form=form)
                assert entry.data == {"tool_id": tool_id, "form": form}
            else:  # a tool of a plugin the municipality has not enabled does not exist there
                with pytest.raises(InvalidInput, match=f"Verktøyet «{tool_id}» finnes ikke"):
                    w.log.add_note(case.id, "", tool_id=tool_id, form=form)


def test_a_form_error_names_the_field_in_bokmal(stafett_municipality) -> None:
    kommune = stafett_municipality(config=CONFIG_DIR / "agder.toml", municipality_id="4204")
    case = kommune.open_case()
    bad = VALID["agder-overlevering"] | {"foreldre_informert": False, "dato": "3. mars"}
    with pytest.raises(InvalidInput) as error, kommune.system() as w:
        w.log.add_note(case.id, "", tool_id="agder-overlevering", form=bad)
    assert "«Dato» (dato): må være en dato (ÅÅÅÅ-MM-DD)" in error.value.message
    assert "(foreldre_informert): må krysses av" in error.value.message


def test_a_tools_file_with_a_field_it_does_not_know_is_refused_with_its_name(tmp_path) -> None:
    """A plugin author's misspelt key in tools.toml stops loading, naming the field, rather than
    silently dropping what they wrote."""
    tools = tmp_path / "tools.toml"
    head = '[[tool]]\nid = "x-sjekk"\ntitle = "Sjekk"\nlevels = [0]\nrequired = ["dato"]\n\n[tool.fields]\n'
    tools.write_text(head + 'dato = { date = "Dato" }\nnotat = { text = "Notat", lenght = "short" }\n')
    with pytest.raises(ValueError, match="«Notat»: unknown \\['lenght'\\]"):
        load_tools(tools)
    tools.write_text(head + 'dato = { dato = "Dato" }\n')
    with pytest.raises(ValueError, match="exactly one kind"):
        load_tools(tools)
    tools.write_text(head + 'dato = { date = "Dato" }\n')
    [tool] = load_tools(tools)
    assert tool.form_schema["properties"]["dato"] == {"type": "string", "format": "date", "title": "Dato"}
