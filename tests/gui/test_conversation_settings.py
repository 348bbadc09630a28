"""Opening a conversation fills its settings form without counting as an edit; editing does count."""

from __future__ import annotations

from backend.llm import SamplingParams


def test_filling_the_form_is_not_an_edit_but_typing_is(qtbot):
    from gui.conversation_settings import ConversationSettings

    form = ConversationSettings()
    qtbot.addWidget(form)
    edits = []
    form.changed.connect(lambda: edits.append(1))

    form.set_values("Be brief.", SamplingParams(temperature=0.3, top_k=12, max_tokens=99, seed=7))
    assert edits == []
    assert form.system_prompt.toPlainText() == "Be brief."
    params = form.params()
    assert (params.temperature, params.top_k, params.max_tokens, params.seed) == (0.3, 12, 99, 7)

    form.temperature.setValue(0.9)
    assert edits, "a change the user makes is reported"
