//! 协办 (SPEC §3): the units an appeal is assigned to besides its lead unit. Each sees the item, signs for it (签收)
//! and gives its opinion (协办意见, with files), which the lead unit reads before answering.
//!
//! The co-units of the current assignment are rows of `appeal_co_units`, kept equal to the appeal's state by every
//! write of it (`sync_co_units`): a unit's scope reads them. Opinions are records of their own and outlive a
//! reassignment, like every step of the item's history.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use zhuqi_domain::time::{from_micros, to_micros};
use zhuqi_domain::{Role, Status};

use crate::access::Principal;
use crate::attachments::{AttachmentInfo, FileStep, NewAttachment, Prepared, check, is_staff, prepare};
use crate::db::{Row, params};
use crate::scope::visible_appeal;
use crate::{Result, Store, StoreError, Writer, audit};

/// The longest opinion, in characters.
pub const MAX_CO_OPINION: usize = 5000;

/// The statuses in which co-units still help: from assignment until the lead unit answers (and again once the
/// enterprise has asked for the item to be handled again).
pub(crate) const CO_HANDLED: [Status; 4] = [Status::Assigned, Status::InProgress, Status::Waiting, Status::Reopened];

/// A co-unit of the current assignment and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoUnit {
    pub unit_id: i64,
    pub unit_name: String,
    /// When it was named a co-unit.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub since: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub signed_at: Option<Timestamp>,
    /// Who signed, by display name.
    pub signed_by: Option<String>,
    /// When it last gave an opinion.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub opinion_at: Option<Timestamp>,
}

/// A 协办意见 and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoOpinion {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub text: String,
    /// The writer's display name.
    pub written_by: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub written_at: Timestamp,
    pub attachments: Vec<AttachmentInfo>,
}

/// What the staff see of an appeal's co-handling: its co-units and every opinion given, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoHandling {
    pub units: Vec<CoUnit>,
    pub opinions: Vec<CoOpinion>,
}

impl CoHandling {
    /// Whether `unit_id` is a co-unit that has not signed yet.
    pub fn awaits_signing(&self, unit_id: i64) -> bool {
        self.units.iter().any(|u| u.unit_id == unit_id && u.signed_at.is_none())
    }

    pub fn is_co_unit(&self, unit_id: i64) -> bool {
        self.units.iter().any(|u| u.unit_id == unit_id)
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: out of range"))
}

fn time(row: &Row, i: usize, what: &str) -> Result<Option<Timestamp>> {
    row.opt_int(i)?.map(|t| from_micros(t).ok_or_else(|| corrupt(what))).transpose()
}

/// The co-unit `p` acts for on appeal `appeal_id`: its unit, if that unit is one of the item's co-units.
fn acting_co_unit(w: &mut Writer<'_>, p: &Principal, appeal_id: i64) -> Result<i64> {
    let forbidden = || {
        StoreError::Forbidden("只有协办单位可以签收协办事项和提出协办意见 / only a co-handling unit may do this".into())
    };
    let unit = p.unit_id.filter(|_| p.has(Role::Handler)).ok_or_else(forbidden)?;
    w.tx.query_opt("SELECT 1 FROM appeal_co_units WHERE appeal_id = $1 AND unit_id = $2", params![appeal_id, unit])?
        .ok_or_else(forbidden)?;
    Ok(unit)
}

impl Writer<'_> {
    /// Records unit `unit`'s 协办意见 on appeal `appeal_id` by `user_id` with its files (checked here), signing for the
    /// unit first if it had not. No scope or status check: for records written in bulk (the demo).
    pub fn record_co_opinion(
        &mut self,
        appeal_id: i64,
        unit: i64,
        user_id: i64,
        text: &str,
        files: Vec<NewAttachment>,
        at: Timestamp,
    ) -> Result<CoOpinion> {
        let files = files.into_iter().map(check).collect::<Result<Vec<_>>>()?;
        self.write_co_opinion(appeal_id, unit, user_id, text, files, at)
    }

    fn write_co_opinion(
        &mut self,
        appeal_id: i64,
        unit: i64,
        user_id: i64,
        text: &str,
        files: Vec<Prepared>,
        at: Timestamp,
    ) -> Result<CoOpinion> {
        self.sign(appeal_id, unit, user_id, at)?;
        let micros = to_micros(at);
        let id = self
            .tx
            .query_one(
                "INSERT INTO co_opinions (appeal_id, unit_id, text, written_by, written_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                params![appeal_id, unit, text, user_id, micros],
            )?
            .int(0)?;
        self.tx.execute(
            "UPDATE appeal_co_units SET opinion_at = $1 WHERE appeal_id = $2 AND unit_id = $3",
            params![micros, appeal_id, unit],
        )?;
        let after = json!({"appeal_id": appeal_id, "unit_id": unit, "text": text});
        self.audit("appeal.co_opinion", format!("co_opinion:{id}"), None, audit::json(&after));
        let step = FileStep { step: Some("co_opinion"), co_opinion_id: Some(id) };
        let attachments = self.insert_attachments(appeal_id, user_id, files, step, at)?;
        let names = self.tx.query_one(
            "SELECT n.name, u.display_name FROM units n, users u WHERE n.id = $1 AND u.id = $2",
            params![unit, user_id],
        )?;
        Ok(CoOpinion {
            id,
            unit_id: unit,
            unit_name: names.text(0)?,
            text: text.to_owned(),
            written_by: names.text(1)?,
            written_at: at,
            attachments,
        })
    }

    /// Refuses unless the appeal is still being handled, holding its row until the commit (PostgreSQL) so that the
    /// lead unit cannot answer between this check and the opinion being written.
    fn lock_co_handled(&mut self, appeal_id: i64, status: Status) -> Result<()> {
        let names: Vec<String> = CO_HANDLED.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let sql = format!("UPDATE appeals SET version = version WHERE id = $1 AND status IN ({})", names.join(", "));
        if !(CO_HANDLED.contains(&status) && self.tx.execute(&sql, params![appeal_id])? == 1) {
            return Err(StoreError::Forbidden(format!(
                "诉求当前为「{}」，协办已结束 / the appeal is {status}: co-handling has ended",
                status.label()
            )));
        }
        Ok(())
    }

    /// Signs for the unit if it has not yet; true if this call signed.
    fn sign(&mut self, appeal_id: i64, unit: i64, user_id: i64, at: Timestamp) -> Result<bool> {
        let signed = self.tx.execute(
            "UPDATE appeal_co_units SET signed_at = $1, signed_by = $2 \
             WHERE appeal_id = $3 AND unit_id = $4 AND signed_at IS NULL",
            params![to_micros(at), user_id, appeal_id, unit],
        )? == 1;
        if signed {
            let after = json!({"appeal_id": appeal_id, "unit_id": unit});
            self.audit("appeal.co_sign", format!("appeal:{appeal_id}"), None, audit::json(&after));
        }
        Ok(signed)
    }
}

impl Store {
    /// The co-handling of an appeal `p` may see: for the government roles; empty for an enterprise or a cadre.
    pub async fn co_handling_for(&self, p: &Principal, appeal_id: i64) -> Result<CoHandling> {
        let p = p.clone();
        self.read(move |tx| {
            visible_appeal(tx, &p, appeal_id)?;
            if !is_staff(&p) {
                return Ok(CoHandling::default());
            }
            let units = tx
                .query(
                    "SELECT c.unit_id, n.name, c.since, c.signed_at, s.display_name, c.opinion_at \
                     FROM appeal_co_units c JOIN units n ON n.id = c.unit_id LEFT JOIN users s ON s.id = c.signed_by \
                     WHERE c.appeal_id = $1 ORDER BY c.since, c.unit_id",
                    params![appeal_id],
                )?
                .iter()
                .map(|r| {
                    Ok(CoUnit {
                        unit_id: r.int(0)?,
                        unit_name: r.text(1)?,
                        since: time(r, 2, "appeal_co_units.since")?.ok_or_else(|| corrupt("appeal_co_units.since"))?,
                        signed_at: time(r, 3, "appeal_co_units.signed_at")?,
                        signed_by: r.opt_text(4)?,
                        opinion_at: time(r, 5, "appeal_co_units.opinion_at")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let mut opinions = tx
                .query(
                    "SELECT o.id, o.unit_id, n.name, o.text, u.display_name, o.written_at \
                     FROM co_opinions o JOIN units n ON n.id = o.unit_id JOIN users u ON u.id = o.written_by \
                     WHERE o.appeal_id = $1 ORDER BY o.id",
                    params![appeal_id],
                )?
                .iter()
                .map(|r| {
                    Ok(CoOpinion {
                        id: r.int(0)?,
                        unit_id: r.int(1)?,
                        unit_name: r.text(2)?,
                        text: r.text(3)?,
                        written_by: r.text(4)?,
                        written_at: time(r, 5, "co_opinions.written_at")?
                            .ok_or_else(|| corrupt("co_opinions.written_at"))?,
                        attachments: Vec::new(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            if !opinions.is_empty() {
                for file in crate::attachments::of_appeal(tx, appeal_id)? {
                    if let Some(o) = opinions.iter_mut().find(|o| Some(o.id) == file.co_opinion_id) {
                        o.attachments.push(file);
                    }
                }
            }
            Ok(CoHandling { units, opinions })
        })
        .await
    }

    /// Signs for a co-handled item (签收) as `p`'s unit. Only a co-unit of the item, while it is being handled;
    /// signing twice is refused as a conflict.
    pub async fn sign_co_handling(&self, p: &Principal, source: &str, appeal_id: i64, at: Timestamp) -> Result<()> {
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let record = visible_appeal(&mut w.tx, &p, appeal_id)?;
            let unit = acting_co_unit(w, &p, appeal_id)?;
            w.lock_co_handled(appeal_id, record.state.status)?;
            if !w.sign(appeal_id, unit, p.user_id, at)? {
                return Err(StoreError::Duplicate(
                    "本单位已签收该协办事项 / your unit has already signed for it".into(),
                ));
            }
            Ok(())
        })
        .await
    }

    /// Records `p`'s unit's 协办意见 on an appeal it co-handles, with files (checked as by `attach`), signing for it
    /// first if it had not. Only while the lead unit has not answered; all written or nothing.
    pub async fn give_co_opinion(
        &self,
        p: &Principal,
        source: &str,
        appeal_id: i64,
        text: String,
        files: Vec<NewAttachment>,
        at: Timestamp,
    ) -> Result<CoOpinion> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(StoreError::Invalid("请填写协办意见 / the opinion is empty".into()));
        }
        if text.chars().count() > MAX_CO_OPINION {
            return Err(StoreError::Invalid(format!(
                "协办意见最多{MAX_CO_OPINION}字 / the opinion is longer than {MAX_CO_OPINION} characters"
            )));
        }
        let files = prepare(files).await?;
        let p = p.clone();
        self.transaction(p.origin(source), move |w| {
            let record = visible_appeal(&mut w.tx, &p, appeal_id)?;
            let unit = acting_co_unit(w, &p, appeal_id)?;
            w.lock_co_handled(appeal_id, record.state.status)?;
            w.write_co_opinion(appeal_id, unit, p.user_id, &text, files, at)
        })
        .await
    }
}
