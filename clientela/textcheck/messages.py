"""What each finding tells the writer, in the writer's language.

Plain dictionaries rather than gettext: the package has no Django, and the reader of a
finding (a member checking a reply, or reading a client's message) may read another language
than the text's.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "blame": {
        "en": "Puts the blame on others.",
        "ro": "Dă vina pe alții.",
    },
    "absolute": {
        "en": "An absolute word (always, never, nobody): facts with dates say more.",
        "ro": "Un cuvânt absolut (mereu, niciodată, nimeni): faptele cu date spun mai mult.",
    },
    "no_fault": {
        "en": "Refuses any share of the fault.",
        "ro": "Respinge orice parte de vină.",
    },
    "demand": {
        "en": "A demand: something they insist on.",
        "ro": "O pretenție: ceva ce cer insistent.",
    },
    "shouting": {
        "en": "Written in capitals (shouting).",
        "ro": "Scris cu majuscule (strigă).",
    },
    "punctuation": {
        "en": "Repeated exclamation or question marks.",
        "ro": "Semne de exclamare sau de întrebare repetate.",
    },
    "insult": {
        "en": "An insulting or angry word.",
        "ro": "Un cuvânt jignitor sau furios.",
    },
    "apology": {
        "en": "An apology. Right for a frustrated client; with a chronic complainer keep to facts.",
        "ro": (
            "O scuză. Potrivită pentru un client supărat; cu un reclamant cronic rămâneți la fapte."
        ),
    },
    "excuse": {
        "en": "An excuse: say what you will do rather than why it happened.",
        "ro": "O justificare: spuneți ce veți face, nu de ce s-a întâmplat.",
    },
    "options": {
        "en": "Offers several options: deliver one version unless the client asked for more.",
        "ro": "Oferă mai multe variante: livrați una singură dacă clientul nu a cerut mai multe.",
    },
}


def message(kind: str, language: str) -> str:
    texts = MESSAGES[kind]
    return texts.get(language) or texts["en"]
