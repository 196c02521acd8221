//! A new city's units and accounts from its Excel lists (issue 13): `zhuqi import units` reads 单位全称 and 所属地区;
//! `zhuqi import users` reads 用户名, 姓名, 角色 (助企干部、指挥部… or their codes, several in a cell), 所属地区,
//! 所属单位 and 手机, and gives every new account a one-time password (argon2id, to be changed at the first sign-in),
//! written to a CSV beside the file — readable by its owner alone — for the office to hand out. All rows or none,
//! every bad row named; an export of either reads back as it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::Timestamp;
use zhuqi_domain::{Phone, Role, check_roles};
use zhuqi_store::{NewUser, Origin, Store};

use super::Progress;
use super::catalog::Catalog;
use super::export::Out;
use super::headings::{Column, Layout};
use super::import::{Cells, ImportSummary, refuse_if_bad};
use super::sheet::SheetRow;

/// What separates several roles in a cell.
const ROLE_SEPARATORS: [char; 6] = ['、', '，', ',', '；', ';', '/'];

/// A role as a list writes it: its Chinese name (助企干部) or its code (cadre).
fn role_of(text: &str) -> Option<Role> {
    Role::ALL.into_iter().filter(|r| *r != Role::System).find(|r| r.label() == text || r.as_str() == text)
}

// ── units ──

pub(super) async fn import_units(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    file: String,
    dry_run: bool,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let checked = std::time::Instant::now();
    let existing: Vec<String> = store.units().await?.into_iter().map(|u| u.name).collect();
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let name = cells.required(Column::Unit, 100);
        let region = cells.text(Column::Region).and_then(|t| match catalog.regions.resolve(&t) {
            Ok(r) => Some(r.code.clone()),
            Err(reason) => {
                cells.fail(Column::Region, reason);
                None
            }
        });
        if region.is_none() && cells.errors.len() == before {
            cells.fail(Column::Region, "不能为空 / required");
        }
        if let Some(name) = &name {
            if existing.contains(name) {
                cells.fail(Column::Unit, "该单位已录入 / the unit is there already");
            } else if let Some(first) = seen.insert(name.clone(), row.number) {
                cells.fail(Column::Unit, format!("与第{first}行重复 / the same as row {first}"));
            }
        }
        if let (Some(name), Some(region), true) = (name, region, errors.len() == before) {
            ready.push((name, region));
        }
    }
    if !super::import::checked(errors, (data.len(), layout), summary, checked, dry_run)? {
        return Ok(());
    }
    super::import::write_all(store, ("units", file), ready, summary, |w, (name, region)| {
        let region = zhuqi_domain::RegionCode::parse(region).map_err(|e| anyhow::anyhow!("{e}"))?;
        w.insert_unit(name, &region)?;
        Ok(())
    })
    .await
}

pub(super) async fn unit_rows(store: &Store, catalog: &Catalog) -> anyhow::Result<Vec<Vec<Out>>> {
    Ok(store
        .units()
        .await?
        .into_iter()
        .filter(|u| u.active)
        .enumerate()
        .map(|(i, u)| {
            vec![Out::Number((i + 1) as f64), Out::text(u.name), Out::text(catalog.regions.label(&u.region_code))]
        })
        .collect())
}

// ── users ──

/// A checked row: the account to make.
struct Account {
    row: usize,
    new: NewUser,
}

pub(super) async fn import_users(
    store: &Store,
    (data, layout, catalog): (&[SheetRow], &Layout, &Catalog),
    source: &Path,
    dry_run: bool,
    progress: Progress,
    summary: &mut ImportSummary,
) -> anyhow::Result<Option<PathBuf>> {
    let checked = std::time::Instant::now();
    let taken = store.usernames().await?;
    let mut errors = Vec::new();
    let mut ready = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in data {
        let before = errors.len();
        let mut cells = Cells { row, layout, errors: &mut errors };
        let account = user_row(&mut cells, catalog);
        if let Some(a) = &account {
            let name = a.username.clone();
            if taken.contains(&name) {
                cells.fail(Column::Username, format!("用户名「{name}」已被使用 / the username is taken"));
            } else if let Some(first) = seen.insert(name, row.number) {
                cells.fail(Column::Username, format!("与第{first}行重复 / the same as row {first}"));
            }
        }
        if let Some(new) = account.filter(|_| errors.len() == before) {
            ready.push(Account { row: row.number, new });
        }
    }
    refuse_if_bad(errors, data.len(), layout)?;
    summary.check_seconds = checked.elapsed().as_secs_f64();
    if dry_run {
        return Ok(None);
    }
    // argon2id is slow on purpose: hash on every core, with a bar.
    let written = std::time::Instant::now();
    let bar = progress.bar(ready.len(), "生成初始密码 / one-time passwords");
    let mut passwords = Vec::with_capacity(ready.len());
    for chunk in ready.chunks_mut(64) {
        let plain: Vec<String> = chunk.iter().map(|_| zhuqi_auth::password::generate()).collect();
        let hashes = hash_all(plain.clone()).await?;
        for ((a, p), h) in chunk.iter_mut().zip(plain).zip(hashes) {
            a.new.password_hash = Some(h);
            passwords.push((a.new.username.clone(), a.new.display_name.clone(), p));
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    let out = passwords_file(source);
    write_passwords(&out, &passwords)?;
    let file = source.file_name().map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    let result = store
        .transaction(Origin::cli(), move |w| {
            let rows = ready.len();
            for a in &ready {
                w.insert_user(&a.new).with_context(|| format!("第{}行 / row {}", a.row, a.row))?;
                w.flush_audit()?;
            }
            w.record_import("users", &file, rows);
            Ok::<_, anyhow::Error>(())
        })
        .await;
    if let Err(e) = result {
        // Nothing was written: the passwords of accounts that do not exist must not linger.
        let _ = std::fs::remove_file(&out);
        return Err(e);
    }
    summary.write_seconds = written.elapsed().as_secs_f64();
    Ok(Some(out))
}

fn user_row(cells: &mut Cells<'_>, catalog: &Catalog) -> Option<NewUser> {
    let username = cells.required(Column::Username, 64);
    if let Some(u) = &username
        && !u.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        cells.fail(Column::Username, "用户名只能由字母、数字和 . _ - @ 组成 / letters, digits and . _ - @ only");
    }
    let display_name = cells.required(Column::PersonName, 50);
    let mut roles = Vec::new();
    if let Some(text) = cells.text(Column::Roles) {
        for name in text.split(ROLE_SEPARATORS).map(str::trim).filter(|n| !n.is_empty()) {
            match role_of(name) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => cells.fail(
                    Column::Roles,
                    format!("未知角色「{name}」：可填助企干部、指挥部、承办单位、领导、企业用户等"),
                ),
            }
        }
    }
    roles.sort();
    if let Err(reason) = check_roles(&roles) {
        cells.fail(Column::Roles, reason);
    }
    let region = cells.text(Column::Region).and_then(|t| match catalog.regions.resolve(&t) {
        Ok(r) => zhuqi_domain::RegionCode::parse(&r.code).ok(),
        Err(reason) => {
            cells.fail(Column::Region, reason);
            None
        }
    });
    let unit = cells.text(Column::Unit).and_then(|t| match catalog.units.resolve(&t) {
        Ok(u) => Some(u.id),
        Err(reason) => {
            cells.fail(Column::Unit, reason);
            None
        }
    });
    let needs_region = roles.iter().any(|r| matches!(r, Role::Dispatcher | Role::Leader | Role::Cadre));
    if needs_region && region.is_none() {
        cells.fail(Column::Region, "指挥部、领导、助企干部须填所属地区 / a region is required for these roles");
    }
    if roles.contains(&Role::Handler) && unit.is_none() {
        cells.fail(Column::Unit, "承办单位用户须填所属单位 / a unit is required for handlers");
    }
    let phone =
        cells.parse(Column::ContactPhone, |c| Phone::parse(&c.text().unwrap_or_default()).map_err(|e| e.to_string()));
    Some(NewUser {
        username: username?,
        display_name: display_name?,
        password_hash: None,
        must_change_password: true,
        region,
        unit_id: unit,
        enterprise_id: None,
        phone,
        roles,
        created_at: Timestamp::now(),
    })
}

async fn hash_all(passwords: Vec<String>) -> anyhow::Result<Vec<String>> {
    let half = passwords.len().div_ceil(2);
    let (a, b) = (passwords[..half].to_vec(), passwords[half..].to_vec());
    let hash = |list: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            use rand::RngExt;
            list.iter()
                .map(|p| zhuqi_auth::password::hash_with_salt(p, &rand::rng().random()))
                .collect::<anyhow::Result<Vec<_>>>()
        })
    };
    let (a, b) = tokio::try_join!(hash(a), hash(b)).context("哈希线程异常结束 / the hashing thread failed")?;
    let mut out = a?;
    out.extend(b?);
    Ok(out)
}

/// `用户台账.xlsx` → `用户台账-初始密码.csv` beside it.
fn passwords_file(source: &Path) -> PathBuf {
    let stem = source.file_stem().map_or_else(|| "users".into(), |s| s.to_string_lossy().into_owned());
    source.with_file_name(format!("{stem}-初始密码.csv"))
}

/// The one-time passwords, for the office to hand out: UTF-8 with a byte-order mark (Excel opens it), readable by its
/// owner alone.
fn write_passwords(path: &Path, rows: &[(String, String, String)]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path).with_context(|| {
        format!("无法新建 {}（已存在则请先移走）/ cannot create the passwords file", path.display())
    })?;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["用户名", "姓名", "一次性密码（首次登录须修改）"])?;
    for (u, n, p) in rows {
        // Names as typed may look like formulas; generated passwords never start with a symbol.
        w.write_record([super::sheet::csv_safe(u).as_ref(), super::sheet::csv_safe(n).as_ref(), p])?;
    }
    w.flush()?;
    Ok(())
}

pub(super) async fn user_rows(store: &Store, catalog: &Catalog) -> anyhow::Result<Vec<Vec<Out>>> {
    let units: HashMap<i64, String> = store.units().await?.into_iter().map(|u| (u.id, u.name)).collect();
    let mut rows = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = store.users(cursor, 500).await?;
        for u in page {
            let roles: Vec<&str> = u.roles.iter().map(|r| r.label()).collect();
            rows.push(vec![
                Out::Number((rows.len() + 1) as f64),
                Out::text(u.username),
                Out::text(u.display_name),
                Out::text(roles.join("、")),
                Out::opt(u.region_code.map(|c| catalog.regions.label(&c))),
                Out::opt(u.unit_id.and_then(|id| units.get(&id).cloned())),
            ]);
        }
        match next {
            Some(c) => cursor = Some(c),
            None => return Ok(rows),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_by_name_or_code() {
        assert_eq!(role_of("助企干部"), Some(Role::Cadre));
        assert_eq!(role_of("dispatcher"), Some(Role::Dispatcher));
        assert_eq!(role_of("系统"), None, "the program's own role is never granted");
        assert_eq!(role_of("局长"), None);
        assert_eq!(passwords_file(Path::new("/x/用户台账.xlsx")), PathBuf::from("/x/用户台账-初始密码.csv"));
    }
}
