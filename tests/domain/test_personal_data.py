"""What a fiche's form warns about before saving: names, e-mails, phones, NRN and IBAN."""

import pytest

from mag.domain.personal_data import LABELS, Finding, Kind, find_personal_data


def found(text: str, names: tuple[str, ...] = ()) -> list[tuple[Kind, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, names)]


# Names ---------------------------------------------------------------------------------------


def test_a_listed_name_is_found_in_any_case_and_with_or_without_accents():
    text = "J'ai reçu karim ce matin ; KARÎM n'avait pas de carte d'identité, Karim non plus."
    assert found(text, ("Karim",)) == [
        (Kind.NAME, "karim"),
        (Kind.NAME, "KARÎM"),
        (Kind.NAME, "Karim"),
    ]
    assert found("Eloise est venue avec sa fille.", ("Éloïse",)) == [(Kind.NAME, "Eloise")]


def test_a_name_is_found_as_a_whole_word_only():
    text = "M. Karimov et Abdelkarim ont appelé ; karims n'est pas un nom."
    assert found(text, ("Karim",)) == []
    assert found("Le fils de Karim-Pierre, (Karim).", ("Karim",)) == [
        (Kind.NAME, "Karim"),
        (Kind.NAME, "Karim"),
    ]


def test_a_name_of_several_words_allows_any_spacing():
    text = "Mme Fatima  El\nAmrani s'est présentée au guichet."
    assert found(text, ("Fatima El Amrani",)) == [(Kind.NAME, "Fatima  El\nAmrani")]


def test_names_shorter_than_two_letters_are_ignored():
    text = "La dame (J.) est venue avec Jo."
    assert found(text, ("J", " ", "", "Jo")) == [(Kind.NAME, "Jo")]


def test_a_decomposed_accent_stays_in_the_finding():
    text = "Jose\u0301 attendait."
    assert found(text, ("José",)) == [(Kind.NAME, "Jose\u0301")]


def test_without_names_no_word_is_flagged():
    assert found("Karim est venu avec Monsieur Dupont.") == []


# E-mail addresses ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address", ["karim.benali@gmail.com", "j-m.dupont+cpas@skynet.be", "élodie_2@mail.service.fr"]
)
def test_an_email_address_is_found(address):
    text = f"Elle m'a donné son adresse, {address}. Je lui ai écrit."
    assert found(text) == [(Kind.EMAIL, address)]


def test_a_handle_or_a_domain_alone_is_not_an_email():
    assert found("Sur le site www.mypension.be ou @CPAS_Bxl, rien.") == []
    assert found("Écrire à karim@cpas, rendez-vous@14.30.") == []


# Phone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0470 12 34 56",
        "0470/12.34.56",
        "0470 123 456",
        "0470123456",
        "+32 470 12 34 56",
        "+32470123456",
        "0032 470 12 34 56",
        "+32 (0)470 12 34 56",
        "+32 0470 12 34 56",
        "02/123.45.67",
        "02 123 45 67",
        "081 22 33 44",
        "081-22-33-44",
        "+32 2 123 45 67",
        "+33 6 12 34 56 78",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "0033 1 23 45 67 89",
        "04\u00a076\u00a012\u00a034\u00a056",
    ],
)
def test_a_phone_number_is_found(number):
    text = f"Sa fille m'a laissé son numéro ({number}) pour la rappeler."
    assert found(text) == [(Kind.PHONE, number)]


@pytest.mark.parametrize(
    "text",
    [
        "Le rendez-vous du 12/03/2024 a été annulé.",
        "Le rendez-vous du 01/03/2024 à 10:30 a été annulé.",
        "Courrier reçu le 05.06.2024, rappel le 05 06 2024.",
        "Né en 1985, il attend depuis 2023.",
        "Une facture de 1 250 euros, puis 0,50 € de frais.",
        "Il habite 1000 Bruxelles, elle 06000 Nice.",
        "Dossier n° 2024/00123, RG 23/4567/A, réf. 12.345/2024, n° 0456/2023.",
        "Rendez-vous à 09.30, à 14h30 ou à 09:45.",
        "Elle a appelé le 112, puis le 0800 123, puis le 1718.",
        "L'ASBL 0403.170.701 gère l'espace public numérique.",
    ],
)
def test_dates_amounts_postal_codes_case_numbers_and_times_are_not_phones(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Code 0470 12 34, puis +32 470 12, +32 12 34 56 et +33 1 23 45 67.",
        "Carte n° 04701234567890, badge 06.12.34.56.78.90, ticket 0470 12 34 56 78 90 12.",
        "Virement avec la communication +++090/9337/55493+++.",
        "Dossier 0012345678.",
    ],
)
def test_a_number_too_short_or_too_long_is_not_a_phone(text):
    assert found(text) == []


# Belgian national register numbers -----------------------------------------------------------

# 85.07.30-033: 97 - 850730033 mod 97 = 28. 05.03.12-123, born in 2005:
# 97 - 2050312123 mod 97 = 60 (without the 2 prepended, it would be 31).
VALID_1985 = "85.07.30-033.28"
VALID_2005 = "05.03.12-123.60"


@pytest.mark.parametrize(
    "number", [VALID_1985, "85073003328", "850730-033-28", "85 07 30 033 28", VALID_2005]
)
def test_a_national_register_number_with_valid_check_digits_is_found(number):
    text = f"Son numéro de registre national est le {number}, d'après sa carte."
    assert found(text) == [(Kind.NATIONAL_NUMBER, number)]


@pytest.mark.parametrize(
    "number", ["85.07.30-033.29", "85073003327", "05.03.12-123.61", "12345678901"]
)
def test_eleven_digits_with_wrong_check_digits_are_not_a_national_number(number):
    assert found(f"Référence du courrier : {number}.") == []


# IBAN ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    [
        "BE68 5390 0754 7034",
        "BE68539007547034",
        "be68 5390 0754 7034",
        "FR76 3000 6000 0112 3456 7890 189",
        "NL91 ABNA 0417 1643 00",
        "DE89370400440532013000",
    ],
)
def test_an_iban_with_valid_check_digits_is_found(iban):
    text = f"Le CPAS verse l'aide sur le compte {iban} de sa sœur."
    assert found(text) == [(Kind.IBAN, iban)]


def test_an_iban_followed_by_words_in_capitals_ends_where_it_is_valid():
    text = "Virement sur BE68 5390 0754 7034 EUR et NL91 ABNA 0417 1643 00 OK"
    assert found(text) == [
        (Kind.IBAN, "BE68 5390 0754 7034"),
        (Kind.IBAN, "NL91 ABNA 0417 1643 00"),
    ]


@pytest.mark.parametrize("iban", ["BE68 5390 0754 7035", "BE69539007547034", "FR76 3000 6000"])
def test_an_iban_with_wrong_check_digits_is_not_flagged(iban):
    assert found(f"Compte {iban} indiqué sur la facture.") == []


# Together ------------------------------------------------------------------------------------


def test_a_fiche_written_by_a_practitioner():
    text = (
        "Mme Benali (fatima.benali@hotmail.com, 0485/12.34.56) n'a pas pu introduire sa demande "
        "en ligne : itsme refusait son numéro national 85.07.30-033.28. Le CPAS devait verser "
        "1 250 euros sur le BE68 5390 0754 7034 le 12/03/2024, rien reçu. Dossier 2024/00123, "
        "rendez-vous rue Haute 12, 1000 Bruxelles, à 09.30."
    )
    assert found(text, ("Benali", "Fatima Benali")) == [
        (Kind.NAME, "Benali"),
        (Kind.EMAIL, "fatima.benali@hotmail.com"),
        (Kind.PHONE, "0485/12.34.56"),
        (Kind.NATIONAL_NUMBER, "85.07.30-033.28"),
        (Kind.IBAN, "BE68 5390 0754 7034"),
    ]


def test_offsets_count_code_points_even_after_an_emoji():
    # « œ » folds to two letters: the name's offsets still point into the text as written.
    text = "🙂👍🏽 Pour sa sœur, appeler Karim au 0470 12 34 56 😀 ou karim@x.be"
    findings = find_personal_data(text, ["Karim"])
    assert [(f.kind, f.start, f.end) for f in findings] == [
        (Kind.NAME, 26, 31),
        (Kind.PHONE, 35, 48),
        (Kind.EMAIL, 54, 64),
    ]
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_when_findings_overlap_the_longer_one_is_kept():
    # The name is inside the e-mail address; a phone number (« 05 03 12 123 ») starts the
    # national number of someone born in 2005.
    text = "Écrire à karim.benali@gmail.com ; son numéro : 05 03 12 123 60."
    assert found(text, ("Karim", "Benali")) == [
        (Kind.EMAIL, "karim.benali@gmail.com"),
        (Kind.NATIONAL_NUMBER, "05 03 12 123 60"),
    ]
    assert found("05 03 12 123") == [(Kind.PHONE, "05 03 12 123")]  # alone, it is a phone


def test_findings_are_frozen_and_every_kind_has_a_label():
    finding = find_personal_data("karim@x.be")[0]
    assert finding == Finding(Kind.EMAIL, 0, 10, "karim@x.be")
    with pytest.raises(AttributeError):
        finding.start = 1  # type: ignore[misc]
    assert set(LABELS) == set(Kind)
    assert LABELS[Kind.PHONE] == "un numéro de téléphone"
