//! Scope (SPEC §5), enforced in the queries themselves: every read or write made for a user carries the condition of
//! what its roles may see, so an item outside it is simply not found — by any interface built on these methods.
//!
//! - enterprise user: its own enterprise's items;
//! - cadre: the items of the enterprises its work groups serve (包联);
//! - handler: the items assigned to its unit;
//! - dispatcher, leader: the items of its region and every region below it;
//! - the admins: no appeals at all (三员分立).
//!
//! A user holding several roles sees the union. To act, it needs a role that both may take the action and whose own
//! scope holds the item: the role it acted in is what the event records.

use jiff::Timestamp;
use jiff::civil::Date;
use zhuqi_domain::time::{start_of_day, to_micros};
use zhuqi_domain::{Action, ActionKind, Actor, Level, Light, RegionCode, Role, Status, WorkingCalendar};

use crate::access::Principal;
use crate::appeals::{AppealSummary, load_record, summary_from_row};
use crate::attachments::{FileStep, NewAttachment, Prepared, prepare};
use crate::db::{Tx, Value};
use crate::{AppealRecord, IdempotencyKey, NewAppeal, Result, Store, StoreError, Writer};

/// The kind of item an idempotency key of `create_appeal_as` names.
const APPEAL_KEYS: &str = "appeal";

/// `$N` for the next value pushed onto `values`.
pub(crate) fn bind(values: &mut Vec<Value>, v: impl Into<Value>) -> String {
    values.push(v.into());
    format!("${}", values.len())
}

/// Where page `page` (1-based) of `total` rows lies in a list read in order (`from_end` false) or backwards: past the
/// middle the rows are read from the end, so that the last page costs what the first does. Read backwards, the rows
/// come oldest first and are turned round by the caller.
pub(crate) struct PageSlice {
    pub from_end: bool,
    pub offset: i64,
    pub limit: i64,
}

impl PageSlice {
    pub(crate) fn of(total: usize, page: usize, per_page: usize) -> PageSlice {
        let skip = page.saturating_sub(1).saturating_mul(per_page);
        let from_end = skip > total / 2;
        let (offset, limit) = if from_end {
            let end = total.saturating_sub(skip);
            (end.saturating_sub(per_page), end.min(per_page))
        } else {
            (skip, per_page)
        };
        let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        PageSlice { from_end, offset: n(offset), limit: n(limit) }
    }

    /// The SQL order of the rows: `DESC` in list order (newest first), `ASC` backwards.
    pub(crate) fn order(&self) -> &'static str {
        if self.from_end { "ASC" } else { "DESC" }
    }
}

/// `column` lies in the region tree under `region`. A county is one code: an equality, which the (region_code, id)
/// index serves in list order. A city or province covers most rows of its database, where reading the list order
/// (by id) and skipping the few others beats sorting all of them, so the condition is written on the code's prefix,
/// which no index serves.
pub(crate) fn in_region(column: &str, region: &RegionCode, values: &mut Vec<Value>) -> String {
    let prefix = region.subtree_prefix();
    if prefix.len() == region.as_str().len() {
        return format!("{column} = {}", bind(values, region.as_str()));
    }
    let n = prefix.len();
    format!("substr({column}, 1, {n}) = {}", bind(values, prefix))
}

/// The enterprises served by the cadre's work groups.
fn cadre_enterprises(user_id: i64, values: &mut Vec<Value>) -> String {
    let u = bind(values, user_id);
    format!(
        "SELECT wge.enterprise_id FROM work_group_enterprises wge \
         JOIN work_group_members m ON m.work_group_id = wge.work_group_id WHERE m.user_id = {u}"
    )
}

/// The appeals unit `u` co-handles (协办).
fn co_handled(u: i64, values: &mut Vec<Value>) -> String {
    format!("SELECT appeal_id FROM appeal_co_units WHERE unit_id = {}", bind(values, u))
}

/// What one role of `p` may see of the appeals aliased `a`; `None` if the role sees none. A handler sees its unit's
/// items and those its unit co-handles.
pub(crate) fn appeal_role_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Handler => p.unit_id.map(|u| {
            let lead = bind(values, u);
            format!("(a.unit_id = {lead} OR a.id IN ({}))", co_handled(u, values))
        }),
        _ => appeal_action_scope(p, role, values),
    }
}

/// What one role of `p` may act on among the appeals aliased `a`: what it sees, except that a unit takes the
/// handling steps only on its own items (a co-unit signs and gives its opinion apart: `co_handling`).
pub(crate) fn appeal_action_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Enterprise => p.enterprise_id.map(|e| format!("a.enterprise_id = {}", bind(values, e))),
        Role::Cadre => Some(format!("a.enterprise_id IN ({})", cadre_enterprises(p.user_id, values))),
        Role::Handler => p.unit_id.map(|u| format!("a.unit_id = {}", bind(values, u))),
        Role::Dispatcher | Role::Leader => p.region.as_ref().map(|r| in_region("a.region_code", r, values)),
        Role::Office
        | Role::Workstation
        | Role::Mediator
        | Role::Sysadmin
        | Role::Secadmin
        | Role::Auditor
        | Role::System => None,
    }
}

/// `p`'s scope over appeals as a condition on their region alone (`column`), when that is all it is: a command
/// office's or a leader's. `None` when it depends on more (a unit's, a cadre's, an enterprise's): the figures then
/// read the appeals themselves.
pub(crate) fn appeal_region_scope(p: &Principal, column: &str, values: &mut Vec<Value>) -> Option<String> {
    let bound = values.len();
    let mut parts = Vec::new();
    for role in &p.roles {
        match role {
            Role::Dispatcher | Role::Leader => {
                if let Some(region) = &p.region {
                    parts.push(in_region(column, region, values));
                }
            }
            // Any other role that sees appeals sees them by more than their region.
            _ if appeal_role_scope(p, *role, &mut Vec::new()).is_some() => {
                values.truncate(bound);
                return None;
            }
            _ => {}
        }
    }
    Some(if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) })
}

/// The union over `p`'s roles, as one SQL condition.
pub(crate) fn appeal_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let parts: Vec<String> = p.roles.iter().filter_map(|r| appeal_role_scope(p, *r, values)).collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// What one role of `p` may see of the enterprises aliased `e`.
pub(crate) fn enterprise_role_scope(p: &Principal, role: Role, values: &mut Vec<Value>) -> Option<String> {
    match role {
        Role::Enterprise => p.enterprise_id.map(|e| format!("e.id = {}", bind(values, e))),
        Role::Cadre => Some(format!("e.id IN ({})", cadre_enterprises(p.user_id, values))),
        Role::Handler => p.unit_id.map(|u| {
            let lead = bind(values, u);
            let co = co_handled(u, values);
            format!(
                "e.id IN (SELECT enterprise_id FROM appeals WHERE unit_id = {lead} \
                 UNION SELECT a.enterprise_id FROM appeals a WHERE a.id IN ({co}))"
            )
        }),
        // A workstation names the enterprises of its region as the parties of its cases.
        Role::Dispatcher | Role::Leader | Role::Workstation => {
            p.region.as_ref().map(|r| in_region("e.region_code", r, values))
        }
        // The system administrator keeps the register of enterprises (configuration, not their appeals).
        Role::Sysadmin => Some("1 = 1".to_owned()),
        Role::Office | Role::Mediator | Role::Secadmin | Role::Auditor | Role::System => None,
    }
}

pub(crate) fn enterprise_scope(p: &Principal, values: &mut Vec<Value>) -> String {
    let parts: Vec<String> = p.roles.iter().filter_map(|r| enterprise_role_scope(p, *r, values)).collect();
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// Whether the condition built by `scope` holds for row `id` of `table` (aliased `alias`).
pub(crate) fn holds(
    tx: &mut Tx<'_>,
    table: &str,
    alias: &str,
    id: i64,
    scope: impl FnOnce(&mut Vec<Value>) -> Option<String>,
) -> Result<bool> {
    let mut values = Vec::new();
    let Some(condition) = scope(&mut values) else { return Ok(false) };
    let id = bind(&mut values, id);
    Ok(tx
        .query_opt(&format!("SELECT 1 FROM {table} {alias} WHERE {alias}.id = {id} AND {condition}"), &values)?
        .is_some())
}

/// The appeal if `p` may see it; `NotFound` otherwise (an item outside one's scope does not exist for one).
pub(crate) fn visible_appeal(tx: &mut Tx<'_>, p: &Principal, id: i64) -> Result<AppealRecord> {
    if !holds(tx, "appeals", "a", id, |v| Some(appeal_scope(p, v)))? {
        return Err(StoreError::NotFound("诉求"));
    }
    load_record(tx, id)
}

/// The first role of `p` that may take `kind` and whose own scope holds appeal `id`.
fn acting_role(tx: &mut Tx<'_>, p: &Principal, id: i64, kind: ActionKind) -> Result<Role> {
    first_acting_role(tx, p, ("appeals", "a"), id, kind.allowed_roles(), appeal_action_scope)?.ok_or_else(|| {
        StoreError::Forbidden(format!(
            "您的角色无权对该诉求执行「{}」/ your roles may not {kind} this appeal",
            kind.label()
        ))
    })
}

/// The first of `p`'s roles among `allowed` whose action scope (`scope`, on `table` aliased as given) holds item `id`:
/// the role `p` acts in; `None` if no role of `p` may.
pub(crate) fn first_acting_role(
    tx: &mut Tx<'_>,
    p: &Principal,
    (table, alias): (&str, &str),
    id: i64,
    allowed: &[Role],
    scope: impl Fn(&Principal, Role, &mut Vec<Value>) -> Option<String>,
) -> Result<Option<Role>> {
    for role in p.roles.iter().copied().filter(|r| allowed.contains(r)) {
        if holds(tx, table, alias, id, |v| scope(p, role, v))? {
            return Ok(Some(role));
        }
    }
    Ok(None)
}

/// The records an action names must exist: a clear message instead of a foreign-key failure.
fn check_references(tx: &mut Tx<'_>, action: &Action) -> Result<()> {
    match action {
        Action::Assign { unit_id, co_unit_ids, category, .. } => {
            check_units(tx, *unit_id, co_unit_ids)?;
            check_category(tx, category)
        }
        _ => Ok(()),
    }
}

/// The handling unit and co-units of an assignment exist, are in service, and are not the same unit twice.
pub(crate) fn check_units(tx: &mut Tx<'_>, unit_id: i64, co_unit_ids: &[i64]) -> Result<()> {
    let invalid = |msg: String| Err(StoreError::Invalid(msg));
    for unit in std::iter::once(&unit_id).chain(co_unit_ids) {
        match tx.query_opt("SELECT name, active FROM units WHERE id = $1", &[(*unit).into()])? {
            None => return invalid(format!("承办单位 {unit} 不存在 / unit {unit} does not exist")),
            Some(r) if r.int(1)? == 0 => {
                return invalid(format!("单位「{}」已停用，不能再交办 / the unit is retired", r.text(0)?));
            }
            Some(_) => {}
        }
    }
    if co_unit_ids.contains(&unit_id) {
        return invalid("协办单位不能与主办单位相同 / a co-handling unit repeats the handling unit".into());
    }
    Ok(())
}

/// A category a new appeal or an assignment may take: one that exists and is in use.
pub(crate) fn check_category(tx: &mut Tx<'_>, category: &str) -> Result<()> {
    match tx.query_opt("SELECT name, active FROM categories WHERE code = $1", &[category.into()])? {
        None => Err(StoreError::Invalid(format!("问题类型 {category} 不存在 / category {category} does not exist"))),
        Some(r) if r.int(1)? == 0 => {
            Err(StoreError::Invalid(format!("问题类型「{}」已停用 / the category is retired", r.text(0)?)))
        }
        Some(_) => Ok(()),
    }
}

/// The filters of the appeal list. Every one narrows; none widens past the user's scope.
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub status: Option<Status>,
    pub category: Option<String>,
    /// The region and every region below it.
    pub region: Option<RegionCode>,
    pub unit_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub level: Option<Level>,
    pub light: Option<Light>,
    /// Registered on or after this day (Asia/Shanghai).
    pub from: Option<Date>,
    /// Registered on or before this day.
    pub to: Option<Date>,
    /// Text in the title, or the appeal's number.
    pub text: Option<String>,
    /// Only items still in the loop (not closed, withdrawn, invalid or merged).
    pub open: bool,
    /// Only items whose unit's extension request awaits the dispatcher (延期待审批).
    pub pending_extension: bool,
    /// Only items this unit co-handles (协办) while the lead unit handles them.
    pub co_handled_by: Option<i64>,
    /// With `co_handled_by`: only those on which the unit has given no opinion yet.
    pub co_opinion_due: bool,
    /// Continue after this point: the `next_cursor` of the previous page.
    pub cursor: Option<ListCursor>,
    pub limit: usize,
}

/// One page of the appeal list, newest first.
#[derive(Debug, Clone)]
pub struct AppealPage {
    pub items: Vec<AppealSummary>,
    /// Pass as `cursor` for the next page; `None` when this page is the last.
    pub next_cursor: Option<ListCursor>,
}

/// A place in the list order (newest registered first): the registration time and id of the last row given. Written
/// `MICROS-ID` in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub created_at: i64,
    pub id: i64,
}

impl ListCursor {
    fn of(s: &AppealSummary) -> Self {
        ListCursor { created_at: to_micros(s.state.created_at), id: s.id }
    }
}

impl std::fmt::Display for ListCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.created_at, self.id)
    }
}

impl std::str::FromStr for ListCursor {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        s.split_once('-')
            .and_then(|(t, id)| Some(ListCursor { created_at: t.parse().ok()?, id: id.parse().ok()? }))
            .ok_or_else(|| StoreError::Invalid(format!("翻页游标 {s} 无效 / invalid cursor")))
    }
}

/// Rows read per round while a filter that SQL cannot evaluate (the light, computed from today) thins them out.
const SCAN_BATCH: usize = 200;
/// A page with a light filter reads at most this many rows; the cursor then continues where it stopped.
const SCAN_LIMIT: usize = 20_000;

pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The SQL condition of `f` (all but the light and the cursor) within `p`'s scope.
fn list_condition(p: &Principal, f: &AppealFilter, today: Date, values: &mut Vec<Value>) -> String {
    let mut conditions = vec![appeal_scope(p, values)];
    if let Some(s) = f.status {
        // Written as a literal (one of the eleven fixed names, never user text): a partial index on a status
        // (appeals_waiting) can only be chosen when the planner sees the value.
        conditions.push(format!("a.status = '{}'", s.as_str()));
    }
    // Open items are a few percent of all: `closed_at IS NULL` lets the partial index appeals_open find them.
    if f.open || f.status.is_some_and(|s| !s.is_terminal()) || f.light.is_some() {
        conditions.push("a.closed_at IS NULL".into());
    }
    // An item is overdue only if some due date stored with it has passed: stored dates are as of its last change, and
    // a pause since then only moves them later. Rows that fail this need not be read as JSON.
    if f.pending_extension {
        conditions.push("a.pending_extension IS NOT NULL AND a.closed_at IS NULL".into());
    }
    if f.light == Some(Light::Overdue) {
        let t = bind(values, today.to_string());
        conditions.push(format!(
            "(a.acknowledge_due < {t} OR a.reply_due < {t} OR a.resolve_due < {t} OR a.feedback_due < {t})"
        ));
    }
    if let Some(u) = f.co_handled_by {
        let due = if f.co_opinion_due { " AND opinion_at IS NULL" } else { "" };
        let u = bind(values, u);
        conditions.push(format!("a.id IN (SELECT appeal_id FROM appeal_co_units WHERE unit_id = {u}{due})"));
        // Co-handling lasts while the lead unit handles the item: once answered, nothing waits on the co-unit. The
        // statuses are written as literals: fixed names, never user text.
        let handled: Vec<String> = crate::co_handling::CO_HANDLED.iter().map(|s| format!("'{}'", s.as_str())).collect();
        conditions.push(format!("a.status IN ({})", handled.join(", ")));
    }
    if let Some(c) = &f.category {
        conditions.push(format!("a.category_code = {}", bind(values, c.as_str())));
    }
    if let Some(r) = &f.region {
        conditions.push(in_region("a.region_code", r, values));
    }
    if let Some(u) = f.unit_id {
        conditions.push(format!("a.unit_id = {}", bind(values, u)));
    }
    if let Some(e) = f.enterprise_id {
        conditions.push(format!("a.enterprise_id = {}", bind(values, e)));
    }
    if let Some(l) = f.level {
        conditions.push(format!("a.level = {}", bind(values, l.as_str())));
    }
    if let Some(from) = f.from.and_then(start_of_day) {
        conditions.push(format!("a.created_at >= {}", bind(values, to_micros(from))));
    }
    if let Some(to) = f.to.and_then(|d| d.tomorrow().ok()).and_then(start_of_day) {
        conditions.push(format!("a.created_at < {}", bind(values, to_micros(to))));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = bind(values, escape_like(text));
        let number = bind(values, text);
        conditions.push(format!("(a.title LIKE {like} ESCAPE '\\' OR a.number = {number})"));
    }
    conditions.join(" AND ")
}

fn list_page(
    tx: &mut Tx<'_>,
    p: &Principal,
    f: &AppealFilter,
    cal: &WorkingCalendar,
    today: Date,
) -> Result<AppealPage> {
    let mut values = Vec::new();
    let condition = list_condition(p, f, today, &mut values);
    let base = values.len();
    // Without a light filter one query of limit + 1 rows tells whether another page follows.
    let batch = if f.light.is_some() { SCAN_BATCH } else { f.limit + 1 };
    // The row-value comparison is what an index ending in (created_at, id) can seek to. The first page has none: a
    // bound of (MAX, MAX) beside a date range's own end made PostgreSQL start its backward walk at the newest row
    // and read every one after the range (a month half a year back: tens of thousands).
    let sql = |below: bool| {
        let (below, limit) = match below {
            true => (format!(" AND (a.created_at, a.id) < (${}, ${})", base + 1, base + 2), base + 3),
            false => (String::new(), base + 1),
        };
        format!(
            "SELECT {} FROM appeals a JOIN enterprises e ON e.id = a.enterprise_id \
             LEFT JOIN units u ON u.id = a.unit_id WHERE {condition}{below} ORDER BY a.created_at DESC, a.id DESC \
             LIMIT ${limit}",
            crate::appeals::SUMMARY_COLUMNS
        )
    };
    let (mut items, mut cursor, mut scanned) = (Vec::new(), f.cursor, 0);
    loop {
        let mut bound = values.clone();
        if let Some(c) = cursor {
            bound.extend([c.created_at.into(), c.id.into()]);
        }
        bound.push(Value::from(i64::try_from(batch).unwrap_or(i64::MAX)));
        let rows = tx.query(&sql(cursor.is_some()), &bound)?;
        let exhausted = rows.len() < batch;
        for row in &rows {
            let item = summary_from_row(row)?;
            cursor = Some(ListCursor::of(&item));
            scanned += 1;
            if f.light.is_none_or(|l| item.state.light(cal, today) == Some(l)) {
                if items.len() == f.limit {
                    // One more than asked for: there is a next page, starting below the last one given.
                    let next_cursor = items.last().map(ListCursor::of);
                    return Ok(AppealPage { items, next_cursor });
                }
                items.push(item);
            }
        }
        if exhausted {
            return Ok(AppealPage { items, next_cursor: None });
        }
        if scanned >= SCAN_LIMIT {
            // Enough read for one request; the caller goes on below the last row looked at.
            return Ok(AppealPage { items, next_cursor: cursor });
        }
    }
}

impl Store {
    /// One appeal as `p` may see it.
    pub async fn appeal_for(&self, p: &Principal, id: i64) -> Result<AppealRecord> {
        let p = p.clone();
        self.read(move |tx| visible_appeal(tx, &p, id)).await
    }

    /// The appeals `p` may see that match `filter`, newest first.
    pub async fn list_appeals(&self, p: &Principal, filter: AppealFilter, today: Date) -> Result<AppealPage> {
        let (p, cal) = (p.clone(), self.calendar());
        self.read(move |tx| list_page(tx, &p, &filter, &cal, today)).await
    }

    /// Page `page` (1-based, `per_page` rows) of the appeals `p` may see that match `filter` (its cursor and limit
    /// aside), newest first, and how many match in all. Past the middle of the list the rows are read from its end,
    /// so that the last page costs what the first does. With a light filter (computed from today, not stored) the
    /// open items are read and thinned here: `None` as the total if there were more than `SCAN_LIMIT` of them.
    pub async fn page_appeals(
        &self,
        p: &Principal,
        filter: AppealFilter,
        page: usize,
        per_page: usize,
        today: Date,
    ) -> Result<(Vec<AppealSummary>, Option<usize>)> {
        let (p, cal) = (p.clone(), self.calendar());
        let skip = page.saturating_sub(1).saturating_mul(per_page);
        self.read(move |tx| {
            if let Some(light) = filter.light {
                let f = AppealFilter { light: None, open: true, cursor: None, limit: SCAN_LIMIT, ..filter };
                let page = list_page(tx, &p, &f, &cal, today)?;
                let capped = page.next_cursor.is_some();
                let lit: Vec<AppealSummary> =
                    page.items.into_iter().filter(|s| s.state.light(&cal, today) == Some(light)).collect();
                let total = (!capped).then_some(lit.len());
                return Ok((lit.into_iter().skip(skip).take(per_page).collect(), total));
            }
            let mut values = Vec::new();
            let condition = list_condition(&p, &filter, today, &mut values);
            let total = tx.query_one(&format!("SELECT COUNT(*) FROM appeals a WHERE {condition}"), &values)?.int(0)?;
            let total = usize::try_from(total).unwrap_or(0);
            let slice = PageSlice::of(total, page, per_page);
            let order = slice.order();
            let limit = bind(&mut values, slice.limit);
            let offset = bind(&mut values, slice.offset);
            // The rows skipped are stepped over on the appeals alone (no joins, no state read), and only the page's
            // rows are then read whole.
            let sql = format!(
                "SELECT {} FROM (SELECT a.id AS page_id FROM appeals a WHERE {condition} \
                 ORDER BY a.created_at {order}, a.id {order} LIMIT {limit} OFFSET {offset}) page \
                 JOIN appeals a ON a.id = page.page_id JOIN enterprises e ON e.id = a.enterprise_id \
                 LEFT JOIN units u ON u.id = a.unit_id ORDER BY a.created_at {order}, a.id {order}",
                crate::appeals::SUMMARY_COLUMNS
            );
            let mut rows = tx.query(&sql, &values)?.iter().map(summary_from_row).collect::<Result<Vec<_>>>()?;
            if slice.from_end {
                rows.reverse();
            }
            Ok((rows, Some(total)))
        })
        .await
    }

    /// How many appeals `p` may see match `filter` (its light, cursor and limit aside): a desk's count of what waits.
    pub async fn count_appeals(&self, p: &Principal, filter: AppealFilter, today: Date) -> Result<i64> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values = Vec::new();
            let condition = list_condition(&p, &filter, today, &mut values);
            tx.query_one(&format!("SELECT COUNT(*) FROM appeals a WHERE {condition}"), &values)?.int(0)
        })
        .await
    }

    /// The history of an appeal `p` may see.
    pub async fn appeal_events_for(&self, p: &Principal, id: i64) -> Result<Vec<zhuqi_domain::Event>> {
        self.appeal_for(p, id).await?;
        self.appeal_events(id).await
    }

    /// Registers an appeal for an enterprise in `p`'s scope (its own, one it serves, one in its region), with the
    /// files sent along (checked as by `attach`). A refused file refuses the whole appeal: nothing is written.
    /// With `key`, a retry (a form posted twice, an API call sent again) gets the appeal the key first created.
    pub async fn create_appeal_as(
        &self,
        p: &Principal,
        source: &str,
        new: NewAppeal,
        attachments: Vec<NewAttachment>,
        at: Timestamp,
        key: Option<IdempotencyKey>,
    ) -> Result<AppealRecord> {
        // Checked before the key is looked up: a bad appeal is refused even when it repeats a key already used.
        crate::appeals::check_new(&new)?;
        let files = prepare(attachments).await?;
        let q = p.clone();
        let create = move |w: &mut Writer<'_>| {
            let prefix = crate::appeals::appeal_prefix(&mut w.tx)?;
            w.raise_appeal(&q, &prefix, &new, files, at)
        };
        self.create_once(p.origin(source), APPEAL_KEYS, key, create, load_record).await
    }

    /// Takes `action` on appeal `id` for `p`, who saw it at `expected_version`. Outside `p`'s scope the appeal is
    /// not found; in scope but not `p`'s to act on, forbidden; moved by someone else since, a conflict. In every
    /// refusal nothing is written.
    pub async fn act(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: u32,
        action: Action,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        self.act_with_files(p, source, id, expected_version, action, Vec::new(), at).await
    }

    /// `act`, with files that go with the step (checked as by `attach`): the material an enterprise supplies, a
    /// unit's reply or answer. Only those steps take files; the step and its files are written together or not at all.
    #[allow(clippy::too_many_arguments)]
    pub async fn act_with_files(
        &self,
        p: &Principal,
        source: &str,
        id: i64,
        expected_version: u32,
        action: Action,
        files: Vec<NewAttachment>,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        let kind = action.kind();
        if !files.is_empty() && !FILE_STEPS.contains(&kind) {
            return Err(StoreError::Invalid(format!("「{}」不能附带附件 / {kind} takes no attachments", kind.label())));
        }
        let files = prepare(files).await?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w: &mut Writer<'_>| {
            let (record, role) = w.target(&p, id, expected_version, kind)?;
            let record = w.act_on(&p, &record, role, action, at)?;
            let step = FileStep { step: Some(kind.as_str()), co_opinion_id: None };
            w.insert_attachments(id, p.user_id, files, step, at)?;
            Ok(record)
        })
        .await
    }
}

impl Writer<'_> {
    /// `Store::create_appeal_as` inside a transaction that may do more: raises `new` for `p` with `files`, in the
    /// first of `p`'s roles that may raise appeals for the enterprise. Returns the appeal's id.
    pub(crate) fn raise_appeal(
        &mut self,
        p: &Principal,
        prefix: &str,
        new: &NewAppeal,
        files: Vec<Prepared>,
        at: Timestamp,
    ) -> Result<i64> {
        let enterprise = new.enterprise_id;
        if !holds(&mut self.tx, "enterprises", "e", enterprise, |v| Some(enterprise_scope(p, v)))? {
            return Err(StoreError::NotFound("企业"));
        }
        let mut role = None;
        for r in p.roles.iter().copied().filter(|r| ActionKind::Create.allowed_roles().contains(r)) {
            if holds(&mut self.tx, "enterprises", "e", enterprise, |v| enterprise_role_scope(p, r, v))? {
                role = Some(r);
                break;
            }
        }
        let role = role.ok_or_else(|| {
            StoreError::Forbidden("您的角色无权为该企业登记诉求 / your roles may not raise appeals for it".into())
        })?;
        check_category(&mut self.tx, &new.category)?;
        let record = self.create_appeal(prefix, new, Actor::user(p.user_id, role), at)?;
        self.insert_attachments(record.id, p.user_id, files, FileStep::default(), at)?;
        Ok(record.id)
    }
}

/// The steps that carry files: where the enterprise and the unit exchange them.
pub const FILE_STEPS: [ActionKind; 3] = [ActionKind::SupplyMaterial, ActionKind::Reply, ActionKind::Answer];

/// The two halves of `Store::act`, for transactions that do more around the action (`merge_into_new`) and must refuse
/// it exactly as `act` would.
impl Writer<'_> {
    /// The appeal `p` means to take an action of `kind` on, seen at `expected_version`, and the role it acts in.
    /// Outside `p`'s scope: not found; in scope but not `p`'s to act on: forbidden; moved since: a conflict.
    pub(crate) fn target(
        &mut self,
        p: &Principal,
        id: i64,
        expected_version: u32,
        kind: ActionKind,
    ) -> Result<(AppealRecord, Role)> {
        let record = visible_appeal(&mut self.tx, p, id)?;
        let role = acting_role(&mut self.tx, p, id, kind)?;
        if record.state.version != expected_version {
            return Err(StoreError::Conflict { expected: expected_version, actual: record.state.version });
        }
        Ok((record, role))
    }

    /// Takes `action` on the appeal found by `target`, once the records it names are known to exist.
    pub(crate) fn act_on(
        &mut self,
        p: &Principal,
        record: &AppealRecord,
        role: Role,
        action: Action,
        at: Timestamp,
    ) -> Result<AppealRecord> {
        check_references(&mut self.tx, &action)?;
        if let Action::Merge { common_issue_id } = action {
            self.check_merge_target(record, common_issue_id)?;
        }
        self.apply(record, Actor::user(p.user_id, role), action, at)
    }
}
