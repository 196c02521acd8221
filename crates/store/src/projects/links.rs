//! The project an appeal is about, for the appeal's page ("所属项目").

use crate::access::Principal;
use crate::db::Value;
use crate::scope::{appeal_scope, bind};
use crate::{Result, Store};

impl Store {
    /// The project (id, name) appeal `appeal_id` is linked to, if `p` may read the appeal and it is linked.
    pub async fn appeal_project(&self, p: &Principal, appeal_id: i64) -> Result<Option<(i64, String)>> {
        let p = p.clone();
        self.read(move |tx| {
            let mut values: Vec<Value> = Vec::new();
            let scope = appeal_scope(&p, &mut values);
            let id = bind(&mut values, appeal_id);
            let sql = format!(
                "SELECT pr.id, pr.name FROM appeals a JOIN projects pr ON pr.id = a.project_id \
                 WHERE a.id = {id} AND {scope}"
            );
            match tx.query_opt(&sql, &values)? {
                Some(row) => Ok(Some((row.int(0)?, row.text(1)?))),
                None => Ok(None),
            }
        })
        .await
    }
}
