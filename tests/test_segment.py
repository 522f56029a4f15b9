"""Speaker turns and paragraphs, with offsets into the stored text."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmatrix.textnorm import normalise_stored
from vmatrix.transcripts.readers import read_source
from vmatrix.transcripts.segment import interviewers, match_label, segment_text, segments_from_turns


def turns(text: str) -> list[tuple[str | None, str]]:
    return [(s.speaker, text[s.start : s.end]) for s in segment_text(text)]


@pytest.mark.parametrize(
    ("line", "speaker", "said"),
    [
        ("Q : Bonjour", "Q", "Bonjour"),
        ("R\u00a0: Oui", "R", "Oui"),
        ("Intervieweur : Et alors ?", "Intervieweur", "Et alors ?"),
        ("intervieweuse : et alors ?", "intervieweuse", "et alors ?"),
        ("Marie Dupont : On a un site.", "Marie Dupont", "On a un site."),
        ("Mme Lefèvre : Bien sûr.", "Mme Lefèvre", "Bien sûr."),
        ("M. Garnier : Tout à fait.", "M. Garnier", "Tout à fait."),
        ("SPEAKER_01: ok donc", "SPEAKER_01", "ok donc"),
        ("[00:01:02] Q : Et la CCI ?", "Q", "Et la CCI ?"),
        ("00:12:30 R : Voilà.", "R", "Voilà."),
        ("Q (00:12:30) : Voilà.", "Q", "Voilà."),
        ("**Expert** : Alors.", "Expert", "Alors."),
        ("**Intervieweur :** Alors.", "Intervieweur", "Alors."),
        ("[Prénom] : C’est moi.", "[Prénom]", "C’est moi."),
        ("Q. Depuis quand ?", "Q", "Depuis quand ?"),
        ("Q\tDepuis quand ?", "Q", "Depuis quand ?"),
        ("Intervieweur (I) : Bonjour.", "Intervieweur (I)", "Bonjour."),
        ("Interviewé(e) : Oui.", "Interviewé(e)", "Oui."),
        ("Enq. : Alors ?", "Enq.", "Alors ?"),
        ("— Q : Bonjour.", "Q", "Bonjour."),
        ("R (rires) : Oui.", "R", "Oui."),
        ("12'45'' R : Oui.", "R", "Oui."),
        ("00:12:45\tR\tOui.", "R", "Oui."),
        ("Enquêteur – Pouvez-vous vous présenter ?", "Enquêteur", "Pouvez-vous vous présenter ?"),
        ("ENQUÊTRICE - Et le site ?", "ENQUÊTRICE", "Et le site ?"),
        ("M. ROBERT – Je dirige une imprimerie.", "M. ROBERT", "Je dirige une imprimerie."),
        ("Sophie Roux — Oui.", "Sophie Roux", "Oui."),
    ],
)
def test_speaker_labels(line: str, speaker: str, said: str) -> None:
    label = match_label(line)
    assert label is not None
    assert label.speaker == speaker
    assert line[label.content_start :] == said


@pytest.mark.parametrize(
    "line",
    [
        "Exemple : on fait tout en ligne.",
        "Le problème c’est ça : personne ne sait.",
        "on a trois choses : le site, l’ERP, le CRM.",
        "Alors. On commence.",
        "Merci - au revoir.",
        "Voilà : c’est tout.",
        "00:12 : on reprend.",
        "– Le site : c’est la vitrine.",
        "Date\t14 mars 2024",
        "Le Site Internet – c’est la vitrine.",
        "Bonjour Madame – merci d’être venue.",
        "Facebook – on y met des photos.",
    ],
)
def test_sentences_with_colons_are_not_labels(line: str) -> None:
    label = match_label(line)
    assert label is None or not label.known


def test_turns_exclude_labels_and_span_several_lines() -> None:
    text = "Q : Vous avez un ERP ?\n\nR : Oui.\nDepuis 2019.\n\nQ : Et le site ?\nR : Pas encore."
    assert turns(text) == [
        ("Q", "Vous avez un ERP ?"),
        ("R", "Oui.\nDepuis 2019."),
        ("Q", "Et le site ?"),
        ("R", "Pas encore."),
    ]


def test_a_capitalised_word_before_a_colon_needs_to_recur() -> None:
    text = "Q : Et le site ?\nR : Deux choses.\nExemple : la vitrine.\nQ : D’accord.\nR : Voilà."
    got = turns(text)
    assert [s for s, _ in got] == ["Q", "R", "Q", "R"]
    assert got[1][1] == "Deux choses.\nExemple : la vitrine."


def test_names_that_recur_are_speakers() -> None:
    text = "Jean Martin : Bonjour.\nSophie Roux : Bonjour Jean.\nJean Martin : On parle du site ?\n"
    assert [s for s, _ in turns(text)] == ["Jean Martin", "Sophie Roux", "Jean Martin"]


def test_speaker_headings_with_times_on_their_own_line() -> None:
    text = "Speaker 1  0:03\nBonjour, on commence ?\n\nDupont, Marie (00:00:09)\nOui.\nAllons-y.\n"
    segments = segment_text(text)
    assert [(s.speaker, text[s.start : s.end], s.t_start) for s in segments] == [
        ("Speaker 1", "Bonjour, on commence ?", 3.0),
        ("Dupont, Marie", "Oui.\nAllons-y.", 9.0),
    ]


def test_header_before_first_turn_is_kept() -> None:
    text = "Entretien n°3 – 12 mars 2024\n\nQ : Bonjour.\nR : Bonjour."
    assert turns(text) == [(None, "Entretien n°3 – 12 mars 2024"), ("Q", "Bonjour."), ("R", "Bonjour.")]


def test_timestamps_become_turn_times() -> None:
    text = "[00:01:02] Q : Et la CCI ?\n[00:01:15] R : Elle nous a aidés."
    segments = segment_text(text)
    assert [(s.t_start, s.t_end) for s in segments] == [(62.0, 75.0), (75.0, None)]


def test_paragraphs_without_speakers() -> None:
    text = "Premier paragraphe\nsur deux lignes.\n\n\nDeuxième.\n  \nTroisième."
    assert turns(text) == [
        (None, "Premier paragraphe\nsur deux lignes."),
        (None, "Deuxième."),
        (None, "Troisième."),
    ]


def test_lines_are_paragraphs_when_there_are_no_blank_lines() -> None:
    assert turns("Un.\nDeux.\nTrois.") == [(None, "Un."), (None, "Deux."), (None, "Trois.")]


@pytest.mark.parametrize(
    "raw",
    [
        "Q : Émoji 😀 et café\r\nR : C’est bon 👍 oui\r\n",
        "Q : cafe\u0301 noir\nR : re\u0301sume\u0301 fait\n",
        "\ufeffQ\u00a0: «\u00a0site\u00a0»\rR\u00a0: 15\u202f€\r",
    ],
)
def test_offsets_slice_the_stored_text(raw: str) -> None:
    text = normalise_stored(raw)
    segments = segment_text(text)
    assert len(segments) == 2
    for segment in segments:
        piece = text[segment.start : segment.end]
        assert piece and piece == piece.strip()
        assert ":" not in piece[:1]


def test_cp1252_file_turns(data: Path) -> None:
    source = read_source(data / "cp1252.txt")
    got = turns(source.text)
    assert [s for s, _ in got] == ["Q", "R", "Q", "R"]
    assert got[1][1].startswith("Depuis 2019. L’ERP")


def test_vtt_voices_and_timings(data: Path) -> None:
    source = read_source(data / "interview.vtt")
    assert source.turns is not None
    segments = segments_from_turns(source.text, source.turns)
    said = [(s.speaker, source.text[s.start : s.end], s.t_start, s.t_end) for s in segments]
    assert said == [
        ("SPEAKER_00", "Bonjour, vous pouvez vous présenter ?", 1.0, 4.2),
        (
            "SPEAKER_01",
            "Oui alors je dirige une menuiserie de douze salariés on a mis en place un ERP & un site en 2021",
            4.5,
            13.25,
        ),
        ("SPEAKER_00", "Et ça vous a apporté quoi ?", 14.0, 16.0),
        ("SPEAKER_01", "Franchement on gagne du temps, on travaille à distance", 62.0, 68.5),
    ]
    assert source.text.startswith("SPEAKER_00 : Bonjour")


def test_srt_speakers_in_text_and_multiline_cues(data: Path) -> None:
    source = read_source(data / "interview.srt")
    assert source.turns is not None
    segments = segments_from_turns(source.text, source.turns)
    said = [(s.speaker, source.text[s.start : s.end]) for s in segments]
    assert said == [
        ("SPEAKER_00", "Depuis quand vous avez le site ?"),
        ("SPEAKER_01", "Depuis deux ans. On l'a fait avec la CCI. Ça nous donne de la visibilité."),
        ("SPEAKER_00", "Et les réseaux sociaux ?"),
    ]
    assert segments[1].t_start == 3.5 and segments[1].t_end == 9.0


def test_srt_without_speakers_groups_cues_at_pauses(tmp_path: Path) -> None:
    path = tmp_path / "a.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nPremière phrase.\n\n"
        "2\n00:00:02,100 --> 00:00:03,000\nSuite directe.\n\n"
        "3\n00:00:09,000 --> 00:00:10,000\nAprès une pause.\n"
    )
    source = read_source(path)
    assert source.turns is not None
    segments = segments_from_turns(source.text, source.turns)
    assert [source.text[s.start : s.end] for s in segments] == [
        "Première phrase. Suite directe.",
        "Après une pause.",
    ]
    assert all(s.speaker is None for s in segments)


def test_vtt_without_header_is_refused(tmp_path: Path) -> None:
    from vmatrix.errors import InputFileError

    path = tmp_path / "a.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\nBonjour\n")
    with pytest.raises(InputFileError, match="WEBVTT"):
        read_source(path)


def test_interviewers_by_label() -> None:
    turns = [("Q", "Et le site ?"), ("R", "On l'a depuis 2019."), ("Intervieweur", "Bien.")]
    assert interviewers(turns) == {"Q", "Intervieweur"}


def test_interviewer_among_anonymous_speakers_asks_and_speaks_least() -> None:
    turns = [
        ("SPEAKER_00", "Bonjour, vous pouvez vous présenter ?"),
        ("SPEAKER_01", "Oui, je dirige une menuiserie de douze salariés depuis 2015, avec mon frère."),
        ("SPEAKER_00", "Et le numérique, ça a changé quoi ?"),
        ("SPEAKER_01", "Beaucoup de choses. Le devis, la facture, les plans, tout passe par l'ordinateur."),
        ("SPEAKER_00", "D'accord."),
    ]
    assert interviewers(turns) == {"SPEAKER_00"}


def test_interviewer_in_automatic_transcription_without_question_marks() -> None:
    turns = [
        ("SPEAKER_00", "est-ce que vous pouvez présenter votre entreprise"),
        ("SPEAKER_01", "on est une boulangerie avec trois boutiques et vingt salariés"),
        ("SPEAKER_00", "et au niveau du numérique qu'est-ce que vous avez mis en place"),
        ("SPEAKER_01", "un logiciel de caisse et un site pour les commandes de gâteaux"),
    ]
    assert interviewers(turns) == {"SPEAKER_00"}


def test_no_interviewer_when_nobody_mostly_asks() -> None:
    turns = [("Marie Dupont", "On a un site."), ("Jean Martin", "Et un ERP."), ("Marie Dupont", "Voilà.")]
    assert interviewers(turns) == set()
    assert interviewers([(None, "Un paragraphe ?")]) == set()


def test_a_tab_separates_speaker_and_speech() -> None:
    text = "Q\tVous avez un site ?\nR\tOui, depuis 2019.\nQ\tEt l’ERP ?\nR\tPas encore."
    assert turns(text) == [
        ("Q", "Vous avez un site ?"),
        ("R", "Oui, depuis 2019."),
        ("Q", "Et l’ERP ?"),
        ("R", "Pas encore."),
    ]


def test_times_without_speakers_are_timings_not_speakers() -> None:
    # "00:00 - ..." was once read as a speaker "00"; the time is the paragraph's timing.
    text = "00:00 - Bonjour, vous pouvez vous présenter ?\n01:17 - Je dirige une boulangerie."
    segments = segment_text(text)
    assert [(s.speaker, text[s.start : s.end], s.t_start, s.t_end) for s in segments] == [
        (None, "Bonjour, vous pouvez vous présenter ?", 0.0, 77.0),
        (None, "Je dirige une boulangerie.", 77.0, None),
    ]


def test_whisper_text_lines_keep_their_timings() -> None:
    text = "[00:00.000 --> 00:04.000]  Bonjour à tous.\n[00:04.000 --> 00:07.500]  On commence."
    segments = segment_text(text)
    assert [(text[s.start : s.end], s.t_start, s.t_end) for s in segments] == [
        ("Bonjour à tous.", 0.0, 4.0),
        ("On commence.", 4.0, 7.5),
    ]


def test_a_time_alone_in_a_paragraph_is_left_as_text() -> None:
    assert turns("Premier.\n12:45 on reprend.\nTroisième.") == [
        (None, "Premier."),
        (None, "12:45 on reprend."),
        (None, "Troisième."),
    ]


def test_speaker_headings_with_the_time_first() -> None:
    text = "00:00:03 Speaker 1\nBonjour.\n\n00:00:09 Speaker 2\nOui.\n\n00:00:12 Speaker 1\nBien."
    assert [(s, said) for s, said in turns(text)] == [
        ("Speaker 1", "Bonjour."),
        ("Speaker 2", "Oui."),
        ("Speaker 1", "Bien."),
    ]


def test_heading_with_a_tab_before_the_time_is_not_a_label() -> None:
    text = "Camille Martin\t0:03\nBonjour.\n\nSophie Bernard\t0:09\nOui.\n\nCamille Martin\t0:12\nBien."
    assert [s for s, _ in turns(text)] == ["Camille Martin", "Sophie Bernard", "Camille Martin"]
    assert turns(text)[0][1] == "Bonjour."


@pytest.mark.parametrize("label", ["Intervieweur (I)", "[Enquêteur]", "Enq.", "intervieweuse"])
def test_interviewers_by_label_in_its_written_forms(label: str) -> None:
    # The label decides, even when the interviewee is the one asking the question.
    turns = [(label, "D'accord, je note."), ("Mme X.", "Vous voulez voir le site ?")]
    assert interviewers(turns) == {label}


def test_youtube_automatic_captions_are_read_once(tmp_path: Path) -> None:
    # Each line comes twice (rolling captions), after a line holding one space.
    path = tmp_path / "youtube.vtt"
    path.write_text(
        "WEBVTT\nKind: captions\nLanguage: fr\n\n"
        "00:00:00.000 --> 00:00:02.990 align:start position:0%\n \n"
        "bonjour<00:00:00.560><c> merci</c><00:00:00.880><c> beaucoup</c>\n\n"
        "00:00:02.990 --> 00:00:03.000 align:start position:0%\nbonjour merci beaucoup\n \n\n"
        "00:00:03.000 --> 00:00:05.990 align:start position:0%\nbonjour merci beaucoup\n"
        "on<00:00:03.360><c> gagne</c><00:00:03.840><c> du</c><00:00:04.400><c> temps</c>\n",
        encoding="utf-8",
    )
    source = read_source(path)
    assert source.text == "bonjour merci beaucoup on gagne du temps\n"
    assert source.turns is not None and source.turns[0].t_end == 5.99


def test_a_lone_colon_in_a_cue_is_not_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "whisper.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nAngers : on a trois boutiques.\n\n"
        "2\n00:00:03,100 --> 00:00:05,000\nEt un site.\n",
        encoding="utf-8",
    )
    source = read_source(path)
    assert source.turns is not None
    assert [(t.speaker, source.text[t.start : t.end]) for t in source.turns] == [
        (None, "Angers : on a trois boutiques. Et un site.")
    ]


def test_a_markdown_heading_ends_the_turn_before_it() -> None:
    text = "## Le site\n\n**Q** : Et le site ?\n\n**R** : On l’a.\n\n## Les réseaux\n\n**Q** : Et Instagram ?"
    assert turns(text) == [
        (None, "## Le site"),
        ("Q", "Et le site ?"),
        ("R", "On l’a."),
        (None, "## Les réseaux"),
        ("Q", "Et Instagram ?"),
    ]


def test_answers_without_a_label_after_labelled_questions() -> None:
    # Only the questions are labelled: the answers were part of the interviewer's turns,
    # and `suggest`, which leaves the interviewer out, suggested nothing at all.
    text = (
        "Q : Pouvez-vous présenter l’entreprise ?\nOn est une boulangerie.\nTrois boutiques.\n\n"
        "Q : Et le site ?\n\nOn l’a depuis 2019.\n\nQ : Merci."
    )
    assert turns(text) == [
        ("Q", "Pouvez-vous présenter l’entreprise ?"),
        (None, "On est une boulangerie.\nTrois boutiques."),
        ("Q", "Et le site ?"),
        (None, "On l’a depuis 2019."),
        ("Q", "Merci."),
    ]
    assert [s.index for s in segment_text(text)] == [0, 1, 2, 3, 4]


def test_turns_of_several_speakers_are_not_split_at_line_ends() -> None:
    text = "Q : Et le site ?\nR : On l’a.\nDepuis 2019.\nQ : Bien."
    assert turns(text)[1] == ("R", "On l’a.\nDepuis 2019.")


def test_speaker_alone_on_a_line_speech_on_the_next() -> None:
    # A layout of transcription services and of Word files with the name in its own paragraph.
    text = (
        "Entretien 7\n\nIntervieweuse\nEt le site ?\n\n**Mme Roux**\nOn l’a depuis 2019.\nIl marche bien.\n\n"
        "Intervieweuse\nEt ensuite ?\n\nMme Roux\nBien\nLe Site Internet\nc’est la vitrine."
    )
    assert turns(text) == [
        (None, "Entretien 7"),
        ("Intervieweuse", "Et le site ?"),
        ("Mme Roux", "On l’a depuis 2019.\nIl marche bien."),
        ("Intervieweuse", "Et ensuite ?"),
        ("Mme Roux", "Bien\nLe Site Internet\nc’est la vitrine."),
    ]


def test_a_time_line_before_a_speaker_line_opens_the_turn() -> None:
    # Teams' Word transcripts: the cue's timing, the speaker, then the speech.
    text = (
        "0:0:3.200 --> 0:0:5.0\nMartin, Camille\nEt le site ?\n\n"
        "0:0:6.0 --> 0:0:9.500\nRoux, Sophie\nOn l’a depuis 2019.\n\n"
        "00:01:10\nMartin, Camille\nBien."
    )
    segments = segment_text(text)
    assert [(s.speaker, text[s.start : s.end], s.t_start) for s in segments] == [
        ("Martin, Camille", "Et le site ?", 3.2),
        ("Roux, Sophie", "On l’a depuis 2019.", 6.0),
        ("Martin, Camille", "Bien.", 70.0),
    ]


def test_a_greeting_alone_on_a_line_is_not_a_speaker() -> None:
    text = "Q : Vous êtes là ?\nR : Oui.\nBonjour Madame\nJe vous attendais.\nQ : Bien."
    assert [s for s, _ in turns(text)] == ["Q", "R", "Q"]


def test_a_header_naming_a_role_is_one_segment_without_a_speaker() -> None:
    text = (
        "ENTRETIEN 7\nExpert – Conseillère numérique, CCI\n"
        "Interviewé : Mme Bernard, gérante\n\n"
        "E : Bonjour.\nMme Bernard : Bonjour.\nE : On commence ?\nMme Bernard : Oui."
    )
    assert turns(text) == [
        (None, "ENTRETIEN 7\nExpert – Conseillère numérique, CCI\nInterviewé : Mme Bernard, gérante"),
        ("E", "Bonjour."),
        ("Mme Bernard", "Bonjour."),
        ("E", "On commence ?"),
        ("Mme Bernard", "Oui."),
    ]


def test_one_question_before_many_answers_is_no_header() -> None:
    text = "Q : Qu’est-ce que ça a changé ?\n\nR : Ça va plus vite.\n\nR : On se voit plus."
    assert [s for s, _ in turns(text)] == ["Q", "R", "R"]
