"""The three human-rights sanctions regimes a dossier can target, and what each covers.

Legal references are as the regimes' texts and the submission guides give them; check
the current consolidated text before filing (docs/accountability.md lists the sources).
"""

from __future__ import annotations

from dataclasses import dataclass

from qantar.errors import N_

# Marked for the catalogs: the dossier's pages say a label and a status in their language
# (the data, hashed, keeps these English words).
COVERED = N_("covered")
CONDITIONAL = N_("only if framed")  # not on its own; in scope only as another covered abuse
NOT_COVERED = N_("not covered")

ABUSE_LABELS = {
    "extrajudicial_killing": N_("extrajudicial killing"),
    "torture": N_("torture"),
    "cidt": N_("cruel, inhuman or degrading treatment"),
    "arbitrary_detention": N_("arbitrary detention"),
    "enforced_disappearance": N_("enforced disappearance"),
}


@dataclass(frozen=True)
class Scope:
    status: str
    basis: str


@dataclass(frozen=True)
class Regime:
    key: str
    title: str
    legal_basis: tuple[str, ...]
    designation_criteria: str
    scope: dict[str, Scope]
    family_basis: str
    appropriateness_heading: str
    appropriateness_prompts: tuple[str, ...]

    def check(self, abuse: str) -> Scope:
        return self.scope.get(abuse, Scope(NOT_COVERED, "not a category this regime names"))


_US = Regime(
    key="us-gloMag",
    title="United States: Global Magnitsky sanctions",
    legal_basis=(
        "Global Magnitsky Human Rights Accountability Act (Pub. L. 114-328, title XII, "
        "subtitle F), as amended",
        "Executive Order 13818 (20 December 2017), sec. 1(a)(ii)(A): serious human rights abuse",
        "Section 7031(c), Department of State appropriations act (visa ineligibility of "
        "officials involved in a gross violation of human rights, and their immediate "
        "family)",
    ),
    designation_criteria=(
        "A foreign person determined to be responsible for or complicit in, or to have "
        "directly or indirectly engaged in, serious human rights abuse; a current or former "
        "leader or official of an entity whose members engaged in it; persons who assisted "
        "or acted for them."
    ),
    scope={
        "extrajudicial_killing": Scope(COVERED, "serious human rights abuse (EO 13818)"),
        "torture": Scope(COVERED, "serious human rights abuse (EO 13818)"),
        "cidt": Scope(COVERED, "serious human rights abuse (EO 13818)"),
        "arbitrary_detention": Scope(
            COVERED,
            "serious human rights abuse (EO 13818); prolonged detention without "
            "charges is a gross violation under 7031(c)",
        ),
        "enforced_disappearance": Scope(COVERED, "serious human rights abuse (EO 13818)"),
    },
    family_basis=(
        "Section 7031(c) extends the visa ban to immediate family members; under EO 13818 "
        "relatives and associates are designated only where they acted for, or hold assets "
        "for, the target."
    ),
    appropriateness_heading="US national interest",
    appropriateness_prompts=(
        "Assets or business in the United States that a designation would freeze.",
        "The message to the unit and its chain of command; deterrence.",
        "Consistency with earlier US statements on the {title} events.",
    ),
)

_UK = Regime(
    key="uk-ghr",
    title="United Kingdom: Global Human Rights sanctions",
    legal_basis=(
        "Sanctions and Anti-Money Laundering Act 2018, section 1",
        "The Global Human Rights Sanctions Regulations 2020 (SI 2020/680), regulation 4 "
        "(purposes: serious violations of the right to life, the right not to be subjected "
        "to torture or cruel, inhuman or degrading treatment or punishment, the right to be "
        "free from slavery, servitude or forced or compulsory labour)",
        "SI 2020/680, regulation 6 (designation criteria: an 'involved person')",
    ),
    designation_criteria=(
        "A person involved in an activity that, if carried out by or on behalf of a State, "
        "would amount to a serious violation of one of the rights in regulation 4: "
        "responsible for, engaged in, facilitating or supporting it, or owned, controlled "
        "by or acting on behalf of an involved person."
    ),
    scope={
        "extrajudicial_killing": Scope(COVERED, "right to life (reg. 4)"),
        "torture": Scope(COVERED, "right not to be subjected to torture (reg. 4)"),
        "cidt": Scope(COVERED, "cruel, inhuman or degrading treatment (reg. 4)"),
        "arbitrary_detention": Scope(
            CONDITIONAL,
            "not within reg. 4 on its own: cite it only where the detention involved torture "
            "or CIDT, or a death, and frame the allegation as that",
        ),
        "enforced_disappearance": Scope(
            CONDITIONAL,
            "not named in reg. 4: in scope only as a violation of the right to life or as "
            "torture/CIDT",
        ),
    },
    family_basis=(
        "Relatives and associates are in scope only if they are themselves involved persons "
        "or own, control or act on behalf of the target (reg. 6); family ties alone are not "
        "a basis."
    ),
    appropriateness_heading="Why designation is appropriate (UK)",
    appropriateness_prompts=(
        "How designation serves deterrence and accountability for the conduct.",
        "Likely effects on the person (assets, travel, business in the UK).",
        "Fit with FCDO priorities (torture prevention, protection of human-rights defenders).",
    ),
)

_EU = Regime(
    key="eu-ghr",
    title="European Union: Global Human Rights Sanctions Regime",
    legal_basis=(
        "Council Decision (CFSP) 2020/1999 of 7 December 2020, Article 1(1)(c) (serious "
        "human rights violations or abuses) and 1(1)(d)(iii) (violations of freedom of "
        "peaceful assembly, where widespread, systematic or of serious concern)",
        "Council Regulation (EU) 2020/1998 of 7 December 2020, Article 2 (serious human "
        "rights violations and abuses, including torture and other CIDT, extrajudicial, "
        "summary or arbitrary executions and killings, enforced disappearance, arbitrary "
        "arrests or detentions)",
        "Decision 2020/1999 Article 3 / Regulation 2020/1998 Article 3: natural or legal "
        "persons responsible, providing support, or associated",
    ),
    designation_criteria=(
        "Natural or legal persons, entities or bodies responsible for, providing financial, "
        "technical or material support for, or otherwise involved in the violations, and "
        "persons associated with them. Listing needs unanimity in the Council."
    ),
    scope={
        "extrajudicial_killing": Scope(
            COVERED,
            "extrajudicial, summary or arbitrary executions and killings (Decision Art. "
            "1(1)(c)(iii))",
        ),
        "torture": Scope(COVERED, "torture and other CIDT (Decision Art. 1(1)(c)(i))"),
        "cidt": Scope(COVERED, "torture and other CIDT (Decision Art. 1(1)(c)(i))"),
        "arbitrary_detention": Scope(
            COVERED, "arbitrary arrests or detentions (Decision Art. 1(1)(c)(v))"
        ),
        "enforced_disappearance": Scope(
            COVERED, "enforced disappearance of persons (Decision Art. 1(1)(c)(iv))"
        ),
    },
    family_basis=(
        "Persons 'associated with' the target may be listed; family members need their own "
        "link (acting for, holding assets of, benefiting from) to be put forward."
    ),
    appropriateness_heading="Fit with CFSP objectives (EU)",
    appropriateness_prompts=(
        "Fit with the EU's stated positions on {place} and on the {title} events.",
        "Member states likely to sponsor the listing.",
        "Assets, travel or business of the person in the EU.",
    ),
)

REGIMES: dict[str, Regime] = {r.key: r for r in (_US, _UK, _EU)}


def regime(key: str) -> Regime:
    from qantar.errors import N_, InputError

    found = REGIMES.get(key) or next(
        (r for k, r in REGIMES.items() if k.casefold() == key.casefold()), None
    )
    if found is None:
        raise InputError(
            N_("regime %(regime)s is not one of %(allowed)s"),
            field="regime",
            regime=repr(key),
            allowed=", ".join(REGIMES),
        )
    return found
