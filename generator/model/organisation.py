"""People, outside parties and the BCP organisation (teams and roles)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from generator.fields import (
    Date,
    Id,
    Personal,
    PersonRef,
    Text,
    TextList,
    VendorRef,
)
from generator.model.base import Phone, Record


class Person(Record):
    """A member of staff who has a part in the plan."""

    id: Id
    name: Text
    title: Text = Field(description="職稱")
    department: Text
    phones: list[Phone] = Field(min_length=1)
    email: str | None = None
    home_address: Annotated[str | None, Personal("住家地址")] = Field(
        None, description="住家地址（個人資料，只在限閱版顯示）"
    )
    last_verified: Date | None = Field(None, description="聯絡資料最後確認日")


class Party(Record):
    """An external party: exchange, regulator, ISAC, emergency service or vendor hotline."""

    id: Id
    name: Text
    kind: Literal[
        "exchange", "regulator", "clearing", "isac", "emergency", "vendor", "customers", "other"
    ]
    purpose: str | None = None
    phones: list[Phone] = Field(min_length=1)
    email: str | None = None
    vendor: VendorRef | None = None
    last_verified: Date | None = None


class RoleKind(StrEnum):
    """Task-force role kinds the rules expect (R-ORG-01)."""

    COMMANDER = "commander"
    IT_RECOVERY = "it_recovery_lead"
    BUSINESS_RECOVERY = "business_recovery_lead"
    COMMUNICATIONS = "communications"
    OTHER = "other"


class Role(Record):
    """A role in the resilience task force, with its holder and deputies (代理人)."""

    id: Id
    title: Text
    kind: RoleKind = RoleKind.OTHER
    person: PersonRef
    deputies: list[PersonRef] = Field(default_factory=list)
    duties: TextList = Field(default_factory=list)


class Team(Record):
    """A team (小組) of the task force."""

    id: Id
    name: Text
    duties: TextList = Field(default_factory=list)
    roles: list[Role] = Field(min_length=1)
    members: list[PersonRef] = Field(default_factory=list)


class Organisation(Record):
    """資訊作業韌性任務編組 (Art. 4)."""

    name: Text = "資訊作業韌性任務編組"
    established: Date | None = None
    teams: list[Team] = Field(min_length=1)
    security_staff: list[PersonRef] = Field(
        default_factory=list, description="資安人員（每年專業訓練時數門檻較高）"
    )

    def members(self) -> list[str]:
        """Every person of the task force: role holders, deputies and team members."""
        found: dict[str, None] = {}
        for team in self.teams:
            for role in team.roles:
                found[role.person] = None
                found.update(dict.fromkeys(role.deputies))
            found.update(dict.fromkeys(team.members))
        return list(found)
