//! HTTP: the REST API (`crate::api`) and, for now, one plain page listing appeals with their status and deadline
//! light (the UI of issue 4 is built on this router).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use zhuqi_domain::{Light, Status, WorkingCalendar};
use zhuqi_store::{AppealSummary, Store};

/// The whole HTTP surface: the pages and the API under `/api/v1`.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/", get(appeal_list))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(store.clone())
        .merge(crate::api::router(store))
}

struct Row {
    number: String,
    enterprise: String,
    title: String,
    status: &'static str,
    unit: String,
    due: String,
    light: &'static str,
    light_label: &'static str,
    remaining: String,
}

#[derive(Template)]
#[template(path = "appeals.html")]
struct AppealList {
    today: String,
    rows: Vec<Row>,
    total: i64,
}

/// "剩余2个工作日" / "今日到期" / "已超期3个工作日" for the milestone the light watches.
fn remaining(s: &AppealSummary, cal: &WorkingCalendar, today: jiff::civil::Date) -> (String, String) {
    let (Some(milestone), Some(deadlines)) = (s.state.watched_milestone(), s.state.deadlines(cal, today)) else {
        return (String::new(), String::new());
    };
    let due = deadlines.of(milestone);
    let text = if s.state.status == Status::Waiting {
        "暂停计时（待补充材料）".to_owned()
    } else if today > due {
        // Past a due date that fell before a weekend or holiday: late, though no working day has passed yet.
        match cal.working_days_between(due, today) {
            0 => format!("{}已超期", milestone.label()),
            late => format!("{}已超期{late}个工作日", milestone.label()),
        }
    } else if today == due {
        format!("{}今日到期", milestone.label())
    } else {
        format!("{}剩余{}个工作日", milestone.label(), cal.working_days_between(today, due))
    };
    (due.to_string(), text)
}

async fn appeal_list(State(store): State<Store>) -> Response {
    let result: Result<String, Box<dyn std::error::Error>> = async {
        let cal = store.calendar();
        let today = crate::today();
        let rows = store
            .recent_appeals(200)
            .await?
            .iter()
            .map(|s| {
                let light = s.state.light(&cal, today);
                let (due, remaining) = remaining(s, &cal, today);
                Row {
                    number: s.number.clone(),
                    enterprise: s.enterprise_name.clone(),
                    title: s.title.clone(),
                    status: s.state.status.label(),
                    unit: s.unit_name.clone().unwrap_or_default(),
                    due,
                    light: light.map_or("none", Light::as_str),
                    light_label: light.map_or("", Light::label),
                    remaining,
                }
            })
            .collect();
        let total = store.counts().await?.appeals;
        Ok(AppealList { today: today.to_string(), rows, total }.render()?)
    }
    .await;
    match result {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "appeal list failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误，请稍后重试 / internal error").into_response()
        }
    }
}
