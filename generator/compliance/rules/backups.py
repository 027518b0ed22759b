"""Art. 5: backups (3-2-1, interval vs RPO, restore tests, encryption) and standby architecture."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.labels import label
from generator.model import System
from generator.render import format_minutes


@rule("TSA-5.1-backup-exists")
def core_system_has_backup(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system has at least one backup set."""
    for system in ctx.firm.core_systems():
        if not ctx.firm.backups_of(system.id):
            yield Hit(f"核心系統「{system.name}」沒有任何備份組", system)


@rule("TSA-5.1-321")
def backup_321(ctx: CheckContext) -> Iterator[Hit]:
    """Each backup set of a core system: ≥3 copies, ≥2 media types, ≥1 off the primary site."""
    policy = ctx.policy
    for system in ctx.firm.core_systems():
        primary = system.standby.primary_site
        for backup in ctx.firm.backups_of(system.id):
            copies = len(backup.copies)
            media = len({c.media for c in backup.copies})
            offsite = sum(1 for c in backup.copies if c.site != primary)
            short = []
            if copies < policy.backup_min_copies:
                short.append(f"副本 {copies} 份（應至少 {policy.backup_min_copies} 份）")
            if media < policy.backup_min_media:
                short.append(f"媒體 {media} 種（應至少 {policy.backup_min_media} 種）")
            if offsite < policy.backup_min_offsite:
                short.append(f"異地 {offsite} 份（應至少 {policy.backup_min_offsite} 份）")
            if short:
                yield Hit(
                    f"核心系統「{system.name}」的備份組「{backup.name}」不符 3-2-1 原則："
                    + "、".join(short),
                    backup,
                    "copies",
                    ((system, "standby"),),
                )


@rule("TSA-5.1-interval-rpo")
def backup_interval_within_rpo(ctx: CheckContext) -> Iterator[Hit]:
    """The most frequent backup of a core system runs at least as often as its RPO."""
    for system in ctx.firm.core_systems():
        backups = ctx.firm.backups_of(system.id)
        if not backups or system.rpo is None:
            continue
        best = min(backups, key=lambda b: b.frequency)
        if best.frequency > system.rpo:
            yield Hit(
                f"核心系統「{system.name}」最頻繁的備份（{best.name}）間隔 "
                f"{format_minutes(best.frequency)}，長於 RPO（{format_minutes(system.rpo)}）",
                best,
                "frequency",
                ((system, "rpo"),),
            )


@rule("TSA-5.1-restore-test")
def restore_tested(ctx: CheckContext) -> Iterator[Hit]:
    """Each backup set of a core system passed a restore test within the policy period."""
    months = ctx.policy.restore_test_months
    since = ctx.months_ago(months)
    for system in ctx.firm.core_systems():
        for backup in ctx.firm.backups_of(system.id):
            passed = [t.date for t in backup.restore_tests if t.result == "pass"]
            if not any(since <= day for day in passed):
                last = f"最近一次通過為 {max(passed).isoformat()}" if passed else "從未通過回存測試"
                yield Hit(
                    f"備份組「{backup.name}」（{system.name}）{months} 個月內沒有通過的回存測試"
                    f"（{last}）",
                    backup,
                    "restore_tests",
                )


@rule("TSA-5.3-encryption")
def confidential_backups_encrypted(ctx: CheckContext) -> Iterator[Hit]:
    """Backups of systems holding confidential or sensitive data are encrypted."""
    systems = {s.id: s for s in ctx.firm.systems}
    for backup in ctx.firm.backups:
        system = systems.get(backup.system)
        if system is None or backup.encrypted:
            continue
        if system.data_classification in ("confidential", "sensitive"):
            kind = label("data_class", system.data_classification)
            yield Hit(
                f"系統「{system.name}」的資料為{kind}等級，但備份組「{backup.name}」未加密",
                backup,
                "encrypted",
                ((system, "data_classification"),),
            )


@rule("TSA-5.2-standby-declared")
def core_standby_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Core systems have a standby (not ``none``) with at least one standby site."""
    for system in ctx.firm.core_systems():
        if system.standby.type == "none":
            yield Hit(f"核心系統「{system.name}」沒有備援架構", system.standby, "type")
        elif not system.standby.standby_sites:
            yield Hit(f"核心系統「{system.name}」的備援架構未寫明備援場所", system.standby, "type")


def _best_rto(ctx: CheckContext, system: System) -> int | None:
    best: dict[str, int] = ctx.policy.standby_best_rto
    return best.get(system.standby.type)


@rule("TSA-5.2-standby-rto")
def standby_meets_rto(ctx: CheckContext) -> Iterator[Hit]:
    """The standby type's best achievable RTO (policy mapping) is within the system's RTO."""
    for system in ctx.firm.core_systems():
        best = _best_rto(ctx, system)
        if system.rto is None or system.standby.type == "none" or best is None:
            continue
        if best > system.rto:
            kind = label("standby", system.standby.type)
            yield Hit(
                f"核心系統「{system.name}」採{kind}（最快約 {format_minutes(best)}），"
                f"無法達到 RTO（{format_minutes(system.rto)}）",
                system.standby,
                "type",
                ((system, "rto"),),
            )
