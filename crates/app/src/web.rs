//! HTTP: the REST API (`crate::api`) and, for now, one plain page listing appeals with their status and deadline
//! light (the UI of issue 4 is built on this router).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use zhuqi_domain::{Light, Status, WorkingCalendar};
use zhuqi_store::{AppealFilter, AppealSummary, Store};

use crate::api::auth::{Caller, PendingCaller, change_own_password, cleared_cookie, open_session, session_cookie};
use crate::api::error::ApiError;

/// The whole HTTP surface: the pages and the API under `/api/v1`.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/", get(appeal_list))
        .route("/signin", get(signin_page).post(signin))
        .route("/password", get(password_page).post(change_password))
        .route("/signout", post(signout))
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
    who: String,
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

async fn appeal_list(State(store): State<Store>, caller: Result<Caller, ApiError>) -> Response {
    let c = match caller {
        Ok(c) => c,
        Err(e) if e.code == "password_change_required" => return Redirect::to("/password").into_response(),
        Err(_) => return Redirect::to("/signin").into_response(),
    };
    let result: Result<String, Box<dyn std::error::Error>> = async {
        let cal = store.calendar();
        let today = crate::today();
        let filter = AppealFilter { limit: 200, ..AppealFilter::default() };
        let rows = store
            .list_appeals(&c.user, filter, today)
            .await?
            .items
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
        let roles: Vec<&str> = c.user.roles.iter().map(|r| r.label()).collect();
        let who = format!("{}（{}）", c.user.display_name, roles.join("、"));
        Ok(AppealList { today: today.to_string(), rows, who }.render()?)
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

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    heading: &'static str,
    change: bool,
    username: String,
    error: String,
}

fn account_page(change: bool, username: String, error: String) -> Response {
    let heading = if change { "修改密码" } else { "登录" };
    match (AccountPage { heading, change, username, error }).render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

async fn signin_page() -> Response {
    account_page(false, String::new(), String::new())
}

#[derive(Deserialize)]
struct SignInForm {
    username: String,
    password: String,
}

async fn signin(
    State(store): State<Store>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    match open_session(&store, &form.username, form.password, &addr.ip().to_string()).await {
        Ok((user, secret)) => match session_cookie(&secret, &headers) {
            Ok(cookie) => {
                let next = if user.must_change_password { "/password" } else { "/" };
                ([(SET_COOKIE, cookie)], Redirect::to(next)).into_response()
            }
            Err(e) => e.into_response(),
        },
        // What the user typed stays in the form; the message says what to do.
        Err(e) => account_page(false, form.username, e.message),
    }
}

async fn password_page(caller: Result<PendingCaller, ApiError>) -> Response {
    match caller {
        Ok(_) => account_page(true, String::new(), String::new()),
        Err(_) => Redirect::to("/signin").into_response(),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    old_password: String,
    new_password: String,
}

async fn change_password(
    State(store): State<Store>,
    caller: Result<PendingCaller, ApiError>,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Ok(PendingCaller(c)) = caller else { return Redirect::to("/signin").into_response() };
    match change_own_password(&store, &c, form.old_password, form.new_password).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(e) => account_page(true, String::new(), e.message),
    }
}

async fn signout(State(store): State<Store>, caller: Result<PendingCaller, ApiError>) -> Response {
    if let Ok(PendingCaller(c)) = caller
        && let Some(session) = &c.session
        && let Err(e) = store.sign_out(&c.user, session, &c.source).await
    {
        return ApiError::from(e).into_response();
    }
    ([(SET_COOKIE, cleared_cookie())], Redirect::to("/signin")).into_response()
}
