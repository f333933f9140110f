"""The support levels administrators edited."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select

from clico_core.sla import LevelSpec

from ..sla_codec import spec_from_json, spec_to_json
from ..tables import support_levels
from .base import SqlRepository

# read on every ticket write: built once, with a bound parameter
_SPEC = select(support_levels.c.spec).where(support_levels.c.name == bindparam("name"))


class SqlSupportLevels(SqlRepository):
    def get(self, name: str) -> LevelSpec | None:
        spec = self.uow.execute(_SPEC, {"name": name}).scalar_one_or_none()
        return spec_from_json(spec) if spec is not None else None

    def list_all(self) -> list[LevelSpec]:
        rows = self.uow.execute(select(support_levels.c.spec).order_by(support_levels.c.name))
        return [spec_from_json(spec) for spec in rows.scalars()]

    def put(self, spec: LevelSpec) -> None:
        self.uow.execute(delete(support_levels).where(support_levels.c.name == spec.name))
        self.uow.execute(insert(support_levels).values(name=spec.name,
                                                       spec=spec_to_json(spec)))
