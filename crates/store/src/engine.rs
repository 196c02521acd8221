//! The work-item engine's storage (SPEC §3, issue 15). Every kind of item — appeals, meeting tasks, dispute cases —
//! keeps the same workflow columns (`ENGINE_COLUMNS`, mirrored from its state for queries), its state as JSON, an
//! append-only event table and its co-units, and moves by the same two writes: `Writer::insert_item` (an item with its history) and
//! `Writer::apply_item` (one action with an optimistic version check, its event and its audit record in the
//! transaction). A kind's own fields are columns of its own table, written by its module beside these.

use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::time::{from_micros, local_date, stored_precision, to_micros};
use zhuqi_domain::{Action, ActionKind, Actor, Appeal, Event, Kind, Role, Status, WorkingCalendar};

use crate::audit;
use crate::db::{Row, Tx, Value, params};
use crate::facts::{self, FACT_COLUMNS, FactRow};
use crate::{Principal, Result, Store, StoreError, Writer};

/// Where one kind of item lives.
#[derive(Debug)]
pub(crate) struct ItemTables {
    pub kind: Kind,
    /// The items, with `ENGINE_COLUMNS` and the kind's own.
    pub items: &'static str,
    /// Their events, keyed by (`item_id`, seq).
    pub events: &'static str,
    pub item_id: &'static str,
    /// The co-handling units of each item: a unit's scope reads them.
    pub co_units: &'static str,
    /// What a refusal calls the item: 诉求, 交办事项.
    pub noun: &'static str,
}

pub(crate) const APPEALS: ItemTables = ItemTables {
    kind: Kind::Appeal,
    items: "appeals",
    events: "appeal_events",
    item_id: "appeal_id",
    co_units: "appeal_co_units",
    noun: "诉求",
};

pub(crate) const TASKS: ItemTables = ItemTables {
    kind: Kind::Task,
    items: "tasks",
    events: "task_events",
    item_id: "task_id",
    co_units: "task_co_units",
    noun: "交办事项",
};

pub(crate) const DISPUTES: ItemTables = ItemTables {
    kind: Kind::Dispute,
    items: "disputes",
    events: "dispute_events",
    item_id: "dispute_id",
    co_units: "dispute_co_units",
    noun: "纠纷案件",
};

/// A kind's record as the engine moves it for a signed-in user: who sees it, who may take which step, what a step
/// must find first, and how the kind writes its own columns beside the engine's.
pub(crate) trait Item: Sized + Send + 'static {
    const TABLES: &'static ItemTables;
    fn state(&self) -> &Appeal;
    /// The item if `p` may see it; `NotFound` otherwise.
    fn visible(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<Self>;
    /// The first role of `p` that may take `kind` on the item; `Forbidden` otherwise.
    fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role>;
    /// That what the action names exists (the units of an assignment, a transfer's mediator).
    fn check(w: &mut Writer<'_>, action: &Action) -> Result<()>;
    fn apply(w: &mut Writer<'_>, record: &Self, actor: Actor, action: Action, at: Timestamp) -> Result<Self>;
}

impl Store {
    /// Takes one action on an item `p` saw at `expected_version`, in one transaction. Outside `p`'s scope: not
    /// found; in scope but not `p`'s to take: forbidden; moved since: a conflict.
    pub(crate) async fn act_on_item<I: Item>(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: u32,
        action: Action,
        at: Timestamp,
    ) -> Result<I> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let record = I::visible(&mut w.tx, &p, id)?;
            let role = I::acting_role(&mut w.tx, &p, id, action.kind())?;
            let actual = record.state().version;
            if actual != expected_version {
                return Err(StoreError::Conflict { expected: expected_version, actual });
            }
            I::check(w, &action)?;
            I::apply(w, &record, Actor::user(p.user_id, role), action, at)
        })
        .await
    }

    /// An item's history, if `p` may see the item.
    pub(crate) async fn item_events_for<I: Item>(&self, p: &Principal, id: i64) -> Result<Vec<Event>> {
        let p = p.clone();
        self.read(move |tx| {
            I::visible(tx, &p, id)?;
            load_item_events(tx, I::TABLES, id)
        })
        .await
    }
}

/// The tables of `kind`.
pub(crate) fn tables(kind: Kind) -> &'static ItemTables {
    match kind {
        Kind::Appeal => &APPEALS,
        Kind::Task => &TASKS,
        Kind::Dispute => &DISPUTES,
    }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// The state an item's history replays to, refused whole if any step is illegal.
pub(crate) fn replay(t: &ItemTables, history: &[Event]) -> Result<Appeal> {
    Appeal::replay_as(t.kind, history)?.ok_or_else(|| StoreError::Invalid("empty history".into()))
}

pub(crate) fn parse_state(json: &str) -> Result<Appeal> {
    serde_json::from_str(json).map_err(|e| corrupt("state", e))
}

/// The history of item `id` of `t`, oldest first.
pub(crate) fn load_item_events(tx: &mut Tx<'_>, t: &ItemTables, id: i64) -> Result<Vec<Event>> {
    tx.query(
        &format!(
            "SELECT seq, at, actor_user_id, actor_role, payload FROM {} WHERE {} = $1 ORDER BY seq",
            t.events, t.item_id
        ),
        params![id],
    )?
    .iter()
    .map(event_from_row)
    .collect()
}

/// An event from the columns seq, at, actor_user_id, actor_role, payload.
pub(crate) fn event_from_row(row: &Row) -> Result<Event> {
    let role = row.text(3)?;
    Ok(Event {
        seq: u32::try_from(row.int(0)?).map_err(|e| corrupt("events.seq", e))?,
        at: from_micros(row.int(1)?).ok_or_else(|| corrupt("events.at", "out of range"))?,
        actor: Actor {
            user_id: row.opt_int(2)?,
            role: Role::parse(&role).ok_or_else(|| corrupt("events.actor_role", &role))?,
        },
        action: serde_json::from_str(&row.text(4)?).map_err(|e| corrupt("events.payload", e))?,
    })
}

pub(crate) fn date_text(d: Option<Date>) -> Value {
    d.map(|d| d.to_string()).into()
}

/// Events written by one INSERT when a history is stored whole (7 values each, well under either database's limit
/// on parameters); each count of rows is its own statement text, prepared once.
const EVENTS_PER_INSERT: usize = 32;
/// Item rows per INSERT of a bulk load: 100 rows of some 35 columns, well under PostgreSQL's 65,535 parameters.
const ITEMS_PER_INSERT: usize = 100;

/// One item of a bulk insert (`insert_items`): as the arguments of `insert_item`.
pub(crate) struct NewItem<'a> {
    pub own: Vec<(&'static str, Value)>,
    pub history: &'a [Event],
    pub state: &'a Appeal,
}

/// The columns that mirror the workflow state for queries, in the order `engine_values` gives their values. For an
/// appeal `category_code` is its category; for a task, its area (经济运行, 项目建设, …).
const ENGINE_COLUMNS: [&str; 24] = [
    "version",
    "status",
    "category_code",
    "level",
    "unit_id",
    "common_issue_id",
    "rating",
    "reopen_count",
    "resolved",
    "acknowledge_due",
    "reply_due",
    "resolve_due",
    "feedback_due",
    "created_at",
    "submitted_at",
    "first_assigned_at",
    "answered_at",
    "closed_at",
    "updated_at",
    "on_time",
    "work_days",
    "first_reopened_at",
    "pending_extension",
    "state",
];

/// The values of `ENGINE_COLUMNS` for a state; due dates as of the state's last change. The `state` column itself is
/// left `Null` unless `with_state`: it changes with every event, so comparing it is pointless.
fn engine_values(state: &Appeal, cal: &WorkingCalendar, with_state: bool) -> Result<Vec<Value>> {
    let due = state.deadlines(cal, local_date(state.updated_at));
    let json =
        if with_state { serde_json::to_string(state).map_err(|e| corrupt("state", e))?.into() } else { Value::Null };
    Ok(vec![
        state.version.into(),
        state.status.as_str().into(),
        state.category.as_str().into(),
        state.level.map(|l| l.as_str()).into(),
        state.unit_id.into(),
        state.common_issue_id.into(),
        state.rating.map(|s| i64::from(s.get())).into(),
        state.reopen_count.into(),
        state.resolved.into(),
        date_text(due.map(|d| d.acknowledge)),
        date_text(due.map(|d| d.reply)),
        date_text(due.map(|d| d.resolve)),
        date_text(due.map(|d| d.feedback)),
        to_micros(state.created_at).into(),
        state.submitted_at.map(to_micros).into(),
        state.first_assigned_at.map(to_micros).into(),
        state.answered_at.map(to_micros).into(),
        state.closed_at.map(to_micros).into(),
        to_micros(state.updated_at).into(),
        state.resolved_on_time(cal).into(),
        state.resolution_working_days(cal).into(),
        state.first_reopened_at.map(to_micros).into(),
        state.pending_extension.map(i64::from).into(),
        json,
    ])
}

/// `UPDATE … SET` only the engine columns whose values changed. SQLite rewrites every index that covers a column named
/// in SET, changed or not, so naming only what changed keeps a transition to a few pages. The few shapes this
/// produces are each prepared once and cached.
fn update_changed(t: &ItemTables, old: &[Value], new: Vec<Value>, id: i64, expected: u32) -> (String, Vec<Value>) {
    let mut set = Vec::new();
    let mut values = Vec::new();
    for ((column, before), after) in ENGINE_COLUMNS.iter().zip(old).zip(new) {
        if *before != after {
            values.push(after);
            set.push(format!("{column} = ${}", values.len()));
        }
    }
    let n = values.len();
    values.extend([id.into(), expected.into()]);
    (format!("UPDATE {} SET {} WHERE id = ${} AND version = ${}", t.items, set.join(", "), n + 1, n + 2), values)
}

impl Writer<'_> {
    /// Inserts an item of `t` with the kind's own columns `own`, its `history` and the `state` that history replays
    /// to (`replay`), its co-units too; returns its id. The caller checked its own fields and writes its audit record
    /// (which names them).
    pub(crate) fn insert_item(
        &mut self,
        t: &ItemTables,
        own: &[(&str, Value)],
        history: &[Event],
        state: &Appeal,
    ) -> Result<i64> {
        let mut columns: Vec<&str> = ENGINE_COLUMNS.to_vec();
        columns.extend(own.iter().map(|(c, _)| *c));
        let mut values = engine_values(state, &self.cal, true)?;
        values.extend(own.iter().map(|(_, v)| v.clone()));
        let params: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
        let counted = t.kind == Kind::Appeal;
        let returning = if counted { format!("id, {FACT_COLUMNS}") } else { "id".to_owned() };
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING {returning}",
            t.items,
            columns.join(", "),
            params.join(", ")
        );
        let row = self.tx.query_one(&sql, &values)?;
        let id = row.int(0)?;
        if counted {
            self.count_new_appeal(&row, 1, history)?;
        }
        self.write_new_items(t, &[(id, history, state)])?;
        Ok(id)
    }

    /// `insert_item` for many items at once, in order, in a few statements (a bulk load on PostgreSQL pays a round
    /// trip per statement): their rows `ITEMS_PER_INSERT` to an INSERT, their events `EVENTS_PER_INSERT` to one.
    /// Each item's `own` columns are the same, in the same order, and include its `number`, by which the rows the
    /// database returns are matched to the items. Returns the items' ids, in order.
    pub(crate) fn insert_items(&mut self, t: &ItemTables, items: &[NewItem<'_>]) -> Result<Vec<i64>> {
        let Some(first) = items.first() else { return Ok(Vec::new()) };
        let mut columns: Vec<&str> = ENGINE_COLUMNS.to_vec();
        columns.extend(first.own.iter().map(|(c, _)| *c));
        let number_at =
            first.own.iter().position(|(c, _)| *c == "number").ok_or_else(|| corrupt("items", "no number"))?;
        let counted = t.kind == Kind::Appeal;
        let returning = if counted { format!("id, number, {FACT_COLUMNS}") } else { "id, number".to_owned() };
        let mut ids = Vec::with_capacity(items.len());
        for chunk in items.chunks(ITEMS_PER_INSERT) {
            let mut values = Vec::new();
            let mut tuples = Vec::with_capacity(chunk.len());
            for item in chunk {
                let n = values.len();
                values.extend(engine_values(item.state, &self.cal, true)?);
                values.extend(item.own.iter().map(|(_, v)| v.clone()));
                let params: Vec<String> = (n + 1..=values.len()).map(|i| format!("${i}")).collect();
                tuples.push(format!("({})", params.join(", ")));
            }
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {} RETURNING {returning}",
                t.items,
                columns.join(", "),
                tuples.join(", ")
            );
            let rows = self.tx.query(&sql, &values)?;
            let mut by_number = std::collections::HashMap::with_capacity(rows.len());
            for row in &rows {
                by_number.insert(row.text(1)?, row);
            }
            for item in chunk {
                let number = match &item.own[number_at].1 {
                    Value::Text(n) => n.as_str(),
                    _ => return Err(corrupt("items", "number is not text")),
                };
                let row = by_number.get(number).ok_or_else(|| corrupt("items", "a row not returned"))?;
                if counted {
                    self.count_new_appeal(row, 2, item.history)?;
                }
                ids.push(row.int(0)?);
            }
        }
        let written: Vec<(i64, &[Event], &Appeal)> =
            ids.iter().zip(items).map(|(id, item)| (*id, item.history, item.state)).collect();
        self.write_new_items(t, &written)?;
        Ok(ids)
    }

    /// Counts a new appeal's facts (`facts`), from its row as the INSERT returned it (`FACT_COLUMNS` from column
    /// `at`) and its history.
    fn count_new_appeal(&mut self, row: &Row, at: usize, history: &[Event]) -> Result<()> {
        let facts = FactRow::read(row, at)?;
        self.facts.outlook_of_history(row.int(0)?, &facts.key.region_code, history, &self.cal)?;
        self.facts.moved(None, Some(&facts));
        Ok(())
    }

    /// The histories and co-units of items just inserted. Whole histories in few statements: a bulk load (the demo,
    /// a ledger import) on PostgreSQL pays a round trip per statement, and an appeal's history has ten events or so.
    fn write_new_items(&mut self, t: &ItemTables, items: &[(i64, &[Event], &Appeal)]) -> Result<()> {
        let events: Vec<(i64, &Event)> =
            items.iter().flat_map(|(id, history, _)| history.iter().map(move |e| (*id, e))).collect();
        for chunk in events.chunks(EVENTS_PER_INSERT) {
            self.insert_events(t, chunk)?;
        }
        for (id, _, state) in items {
            self.sync_co_units(t, *id, &[], state, state.updated_at)?;
        }
        Ok(())
    }

    /// Applies one action to item `id` of `t` as the caller last read it (`old`). If someone else moved the item
    /// since, the write is refused with `Conflict` and nothing changes: a stale update is never silently applied over
    /// a newer one. The event and the audit record (`appeal.assign`, `task.answer`, …) are written with it.
    pub(crate) fn apply_item(
        &mut self,
        t: &ItemTables,
        id: i64,
        old: &Appeal,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<Appeal> {
        let at = stored_precision(at);
        let event = Event { seq: old.version + 1, at, actor, action };
        let state = old.apply(&event)?;
        let (mut sql, values) = update_changed(
            t,
            &engine_values(old, &self.cal, false)?,
            engine_values(&state, &self.cal, true)?,
            id,
            old.version,
        );
        // An appeal's facts move from what its row held to what it holds now (`facts`): both read as stored.
        let changed = if t.kind == Kind::Appeal {
            let before = facts::stored(&mut self.tx, id)?;
            sql.push_str(&format!(" RETURNING {FACT_COLUMNS}"));
            let after = self.tx.query(&sql, &values)?;
            if let Some(row) = after.first() {
                let facts = FactRow::read(row, 0)?;
                self.facts.outlook_moved(id, &facts.key.region_code, Some(old), &state, &self.cal);
                self.facts.moved(before.as_ref(), Some(&facts));
            }
            after.len() as u64
        } else {
            self.tx.execute(&sql, &values)?
        };
        if changed != 1 {
            let actual = self
                .tx
                .query_opt(&format!("SELECT version FROM {} WHERE id = $1", t.items), params![id])?
                .ok_or(StoreError::NotFound(t.noun))?
                .int(0)?;
            return Err(StoreError::Conflict {
                expected: old.version,
                actual: u32::try_from(actual).unwrap_or(u32::MAX),
            });
        }
        self.insert_events(t, &[(id, &event)])?;
        self.sync_co_units(t, id, &old.co_unit_ids, &state, at)?;
        let before = serde_json::json!({"status": old.status, "version": old.version});
        let after = serde_json::json!({"status": state.status, "version": state.version, "event": &event.action});
        let kind = t.kind.as_str();
        self.audit(
            &format!("{kind}.{}", event.action.kind()),
            format!("{kind}:{id}"),
            audit::json(&before),
            audit::json(&after),
        );
        Ok(state)
    }

    /// Events of one item or several, `(item id, event)`, in one statement.
    fn insert_events(&mut self, t: &ItemTables, events: &[(i64, &Event)]) -> Result<()> {
        let mut values = Vec::with_capacity(events.len() * 7);
        let mut rows = Vec::with_capacity(events.len());
        for &(id, event) in events {
            let payload = serde_json::to_string(&event.action).map_err(|e| corrupt("event", e))?;
            let n = values.len();
            rows.push(format!("(${}, ${}, ${}, ${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7));
            values.extend_from_slice(params![
                id,
                event.seq,
                to_micros(event.at),
                event.actor.user_id,
                event.actor.role.as_str(),
                event.action.kind().as_str(),
                payload
            ]);
        }
        self.tx.execute(
            &format!(
                "INSERT INTO {} ({}, seq, at, actor_user_id, actor_role, action, payload) VALUES {}",
                t.events,
                t.item_id,
                rows.join(", ")
            ),
            &values,
        )?;
        Ok(())
    }

    /// Keeps the co-units table of `t` equal to the state's co-units: the ones dropped leave, the new ones join from
    /// `at`. Signatures and opinions of units that stay are kept.
    pub(crate) fn sync_co_units(
        &mut self,
        t: &ItemTables,
        id: i64,
        old: &[i64],
        new: &Appeal,
        at: Timestamp,
    ) -> Result<()> {
        if old == new.co_unit_ids.as_slice() {
            return Ok(());
        }
        for unit in old.iter().filter(|u| !new.co_unit_ids.contains(u)) {
            self.tx.execute(
                &format!("DELETE FROM {} WHERE {} = $1 AND unit_id = $2", t.co_units, t.item_id),
                params![id, *unit],
            )?;
        }
        for unit in new.co_unit_ids.iter().filter(|u| !old.contains(u)) {
            self.tx.execute(
                &format!(
                    "INSERT INTO {co} ({item}, unit_id, since) VALUES ($1, $2, $3) \
                     ON CONFLICT ({item}, unit_id) DO NOTHING",
                    co = t.co_units,
                    item = t.item_id
                ),
                params![id, *unit, to_micros(at)],
            )?;
        }
        Ok(())
    }
}

/// The statuses the sweep looks at: the deadline clock runs, or the answer awaits the enterprise's judgement.
fn swept(status: Status) -> bool {
    status.is_with_unit() || status == Status::Answered
}

/// A place among the open items of a kind, in registration order: the registration time (micros) and id of an item.
pub type OpenPlace = (i64, i64);

/// The engine's own reads and writes for any kind, by the program itself (no scope check): the escalation sweep and
/// auto-close, which run the same ladder over every kind.
impl Store {
    /// Items of `kind` whose deadline clock runs or whose answer awaits judgement.
    pub async fn open_items(&self, kind: Kind) -> Result<Vec<i64>> {
        self.read(move |tx| {
            let t = tables(kind);
            // The statuses as literals: fixed names, never user text.
            let statuses: Vec<String> =
                Status::ALL.into_iter().filter(|s| swept(*s)).map(|s| format!("'{}'", s.as_str())).collect();
            tx.query(&format!("SELECT id FROM {} WHERE status IN ({}) ORDER BY id", t.items, statuses.join(", ")), &[])?
                .iter()
                .map(|r| r.int(0))
                .collect()
        })
        .await
    }

    /// The items of `kind` that `open_items` names, with their states, among the first `limit` open items in
    /// registration order after `after` (the place a previous call returned; `None`: from the first), and the place
    /// of the last open item read (`None`: none was left). A sweep reads a province's open items a slice at a time.
    pub async fn open_item_states(
        &self,
        kind: Kind,
        after: Option<OpenPlace>,
        limit: i64,
    ) -> Result<(Vec<(i64, Appeal)>, Option<OpenPlace>)> {
        self.read(move |tx| {
            let t = tables(kind);
            // Along the open items' index (0003, 0035), which SQLite is told: through the primary key a sweep read
            // every closed item too, and a province's open items are its newest. The statuses are picked here, not
            // in SQL: with them PostgreSQL, taking status and closing for independent, read every open item through
            // two other indexes and sorted them.
            let index = tx.indexed_by(&format!("{}_open", t.items));
            let (below, values) = match after {
                Some((created_at, id)) => {
                    (" AND (created_at, id) > ($2, $3)", vec![limit.into(), created_at.into(), id.into()])
                }
                None => ("", vec![Value::from(limit)]),
            };
            let rows = tx.query(
                &format!(
                    "SELECT created_at, id, status, state FROM {}{index} WHERE closed_at IS NULL{below} \
                     ORDER BY created_at, id LIMIT $1",
                    t.items
                ),
                &values,
            )?;
            let mut items = Vec::new();
            for row in &rows {
                let status = Status::parse(&row.text(2)?).ok_or_else(|| StoreError::Corrupt("bad status".into()))?;
                if swept(status) {
                    items.push((row.int(1)?, parse_state(&row.text(3)?)?));
                }
            }
            let last = rows.last().map(|r| Ok::<_, StoreError>((r.int(0)?, r.int(1)?))).transpose()?;
            Ok((items, last))
        })
        .await
    }

    /// The workflow state of item `id` of `kind`.
    pub async fn item_state(&self, kind: Kind, id: i64) -> Result<Appeal> {
        self.read(move |tx| load_state(tx, tables(kind), id)).await
    }

    /// The history of item `id` of `kind`, oldest first.
    pub async fn item_history(&self, kind: Kind, id: i64) -> Result<Vec<Event>> {
        self.read(move |tx| load_item_events(tx, tables(kind), id)).await
    }
}

fn load_state(tx: &mut Tx<'_>, t: &ItemTables, id: i64) -> Result<Appeal> {
    let row = tx
        .query_opt(&format!("SELECT state FROM {} WHERE id = $1", t.items), params![id])?
        .ok_or(StoreError::NotFound(t.noun))?;
    parse_state(&row.text(0)?)
}

impl Writer<'_> {
    /// The workflow state of item `id` of `kind` as stored now, inside this transaction.
    pub fn item_state(&mut self, kind: Kind, id: i64) -> Result<Appeal> {
        load_state(&mut self.tx, tables(kind), id)
    }

    /// Takes `action` on item `id` of `kind` whose state the caller read inside this transaction (`item_state`).
    pub fn apply_to(
        &mut self,
        kind: Kind,
        id: i64,
        state: &Appeal,
        actor: Actor,
        action: Action,
        at: Timestamp,
    ) -> Result<Appeal> {
        self.apply_item(tables(kind), id, state, actor, action, at)
    }
}
