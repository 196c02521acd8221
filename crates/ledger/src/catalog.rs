//! The organisation as a ledger names it: regions by code or name (川汇区, 周口市川汇区, 411602), units by name,
//! categories by name or code. The same lookups give the names an export writes, so that what is exported reads back.

use std::collections::HashMap;

use zhuqi_domain::{Level, RegionCode, RegionLevel, Role};
use zhuqi_store::{RegionRecord, Store, UnitRecord};

use super::headings::normalise;
use super::values::clip;

pub struct Catalog {
    pub regions: Regions,
    pub units: Units,
    pub categories: Categories,
}

impl Catalog {
    pub async fn load(store: &Store) -> anyhow::Result<Catalog> {
        let regions = Regions::new(store.regions().await?);
        let units = Units::new(store.units().await?);
        let categories = Categories::new(store.categories().await?.into_iter().map(|c| (c.code, c.name)).collect());
        Ok(Catalog { regions, units, categories })
    }
}

pub struct Regions {
    by_code: HashMap<String, RegionRecord>,
    /// Every way a region may be written (its name, with its parents' names before it), normalised, to the codes
    /// written so.
    by_label: HashMap<String, Vec<String>>,
}

impl Regions {
    pub fn new(records: Vec<RegionRecord>) -> Regions {
        let by_code: HashMap<String, RegionRecord> = records.into_iter().map(|r| (r.code.clone(), r)).collect();
        let mut by_label: HashMap<String, Vec<String>> = HashMap::new();
        for r in by_code.values() {
            let mut label = r.name.clone();
            let mut parent = r.parent_code.as_ref().and_then(|p| by_code.get(p));
            by_label.entry(normalise(&label)).or_default().push(r.code.clone());
            while let Some(p) = parent {
                label = format!("{}{label}", p.name);
                by_label.entry(normalise(&label)).or_default().push(r.code.clone());
                parent = p.parent_code.as_ref().and_then(|c| by_code.get(c));
            }
        }
        Regions { by_code, by_label }
    }

    /// The region a cell names: a six-digit code, a name (川汇区), or a name after its parents' (周口市川汇区).
    pub fn resolve(&self, text: &str) -> Result<&RegionRecord, String> {
        let text = text.trim();
        if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            return self.by_code.get(text).ok_or_else(|| {
                format!("行政区划代码 {text} 不在本系统的地区中 / region code {text} is not in the database")
            });
        }
        match self.by_label.get(&normalise(text)).map(Vec::as_slice) {
            Some([code]) => self.by_code.get(code).ok_or_else(|| format!("地区 {code} 缺失 / region {code} missing")),
            Some(codes) if codes.len() > 1 => Err(format!(
                "「{}」对应多个地区，请填写行政区划代码或带上级名称（如 周口市川汇区） / the name is ambiguous: use the code",
                clip(text)
            )),
            _ => Err(format!("地区「{}」不在本系统中 / unknown region", clip(text))),
        }
    }

    /// How an export names a region: its name when no other region has it, else with its parent's name before it.
    pub fn label(&self, code: &str) -> String {
        let Some(r) = self.by_code.get(code) else { return code.to_owned() };
        let unique = self.by_label.get(&normalise(&r.name)).is_some_and(|codes| codes.len() == 1);
        match r.parent_code.as_ref().and_then(|p| self.by_code.get(p)) {
            Some(parent) if !unique => format!("{}{}", parent.name, r.name),
            _ => r.name.clone(),
        }
    }

    /// Whether `outer` is `inner` or one of the regions above it.
    pub fn contains(outer: &str, inner: &str) -> bool {
        match (RegionCode::parse(outer), RegionCode::parse(inner)) {
            (Ok(o), Ok(i)) => o.contains(&i),
            _ => outer == inner,
        }
    }
}

pub struct Units {
    by_name: HashMap<String, UnitRecord>,
}

impl Units {
    pub fn new(records: Vec<UnitRecord>) -> Units {
        Units { by_name: records.into_iter().map(|u| (normalise(&u.name), u)).collect() }
    }

    pub fn all(&self) -> impl Iterator<Item = &UnitRecord> {
        self.by_name.values()
    }

    /// The unit with this name (spaces and full-width brackets aside: unit names are unique).
    pub fn resolve(&self, text: &str) -> Result<&UnitRecord, String> {
        self.by_name.get(&normalise(text)).ok_or_else(|| {
            format!("单位「{}」不在本系统的单位名录中，请填写全称 / unknown unit: write its full name", clip(text))
        })
    }

    /// The level an item handled by `unit` is at when the ledger does not say: the level of the unit's region.
    pub fn level(unit: &UnitRecord) -> Level {
        match RegionCode::parse(&unit.region_code).map(|r| r.level()) {
            Ok(RegionLevel::County) => Level::County,
            Ok(RegionLevel::Province) => Level::Province,
            _ => Level::City,
        }
    }
}

pub struct Categories {
    /// Codes and names, normalised, to the codes they mean.
    by_key: HashMap<String, Vec<String>>,
    names: HashMap<String, String>,
}

impl Categories {
    pub fn new(pairs: Vec<(String, String)>) -> Categories {
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for (code, name) in &pairs {
            by_key.entry(normalise(code)).or_default().push(code.clone());
            let named = by_key.entry(normalise(name)).or_default();
            if !named.contains(code) {
                named.push(code.clone());
            }
        }
        Categories { by_key, names: pairs.into_iter().collect() }
    }

    /// The category a cell names, by its Chinese name (融资) or its code (financing).
    pub fn resolve(&self, text: &str) -> Result<String, String> {
        match self.by_key.get(&normalise(text)).map(Vec::as_slice) {
            Some([code]) => Ok(code.clone()),
            Some(codes) if codes.len() > 1 => {
                Err(format!("问题类型「{}」不唯一，请填写类型编码 / ambiguous category: use its code", clip(text)))
            }
            _ => {
                let mut known: Vec<&str> = self.names.values().map(String::as_str).collect();
                known.sort_unstable();
                Err(format!("问题类型「{}」不存在，可选：{} / unknown category", clip(text), known.join("、")))
            }
        }
    }

    /// The category of a ledger that names none: 其他, if the catalog has it.
    pub fn fallback(&self) -> Option<String> {
        self.resolve("其他").or_else(|_| self.resolve("other")).ok()
    }

    pub fn name(&self, code: &str) -> String {
        self.names.get(code).cloned().unwrap_or_else(|| code.to_owned())
    }
}

/// Whom the command line acts as when a store query reads by role: `roles` over the installation's top region, so that
/// an export or an import's duplicate check sees every record of its kind.
pub(super) async fn operator(store: &Store, roles: &[Role]) -> anyhow::Result<zhuqi_store::Principal> {
    let regions = store.regions().await?;
    let root = regions.iter().find(|r| r.parent_code.is_none()).map(|r| r.code.clone());
    let root = root.ok_or_else(|| anyhow::anyhow!("数据库中没有地区 / no regions in the database"))?;
    Ok(zhuqi_store::Principal {
        user_id: 0,
        username: "cli".into(),
        display_name: "命令行".into(),
        roles: roles.to_vec(),
        region: Some(RegionCode::parse(&root)?),
        unit_id: None,
        enterprise_id: None,
        must_change_password: false,
        must_add_second_factor: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str, parent: Option<&str>) -> RegionRecord {
        RegionRecord {
            code: code.into(),
            name: name.into(),
            parent_code: parent.map(Into::into),
            level: String::new(),
            active: true,
        }
    }

    #[test]
    fn regions_by_code_name_and_qualified_name() {
        let regions = Regions::new(vec![
            region("410000", "河南省", None),
            region("411600", "周口市", Some("410000")),
            region("411602", "川汇区", Some("411600")),
            region("410400", "平顶山市", Some("410000")),
            region("410402", "新华区", Some("410400")),
            region("130100", "石家庄市", None),
            region("130105", "新华区", Some("130100")),
        ]);
        let code = |t: &str| regions.resolve(t).map(|r| r.code.clone());
        assert_eq!(code("川汇区"), Ok("411602".into()));
        assert_eq!(code("周口市川汇区"), Ok("411602".into()));
        assert_eq!(code("河南省周口市川汇区"), Ok("411602".into()));
        assert_eq!(code("411602"), Ok("411602".into()));
        assert!(code("新华区").expect_err("refused").contains("多个地区"));
        assert_eq!(code("平顶山市新华区"), Ok("410402".into()));
        assert!(code("411699").is_err());
        assert!(code("火星区").is_err());
        assert_eq!(regions.label("411602"), "川汇区");
        assert_eq!(regions.label("410402"), "平顶山市新华区");
        assert!(Regions::contains("411600", "411602"));
        assert!(!Regions::contains("411602", "411600"));
    }

    #[test]
    fn categories_by_name_or_code() {
        let c = Categories::new(vec![("financing".into(), "融资".into()), ("other".into(), "其他".into())]);
        assert_eq!(c.resolve("融资"), Ok("financing".into()));
        assert_eq!(c.resolve("Financing"), Ok("financing".into()));
        assert!(c.resolve("用地").is_err());
        assert_eq!(c.fallback(), Some("other".into()));
    }
}
