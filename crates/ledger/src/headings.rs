//! The column dictionary of a county ledger (台账): each column zhuqi reads or writes, the heading it exports under, and
//! the variants counties write instead (企业全称, 信用代码, 县（市、区）, 承办单位, …), and finding the heading row under a
//! sheet's title rows.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::LedgerKind;
use super::sheet::SheetRow;

/// A column zhuqi knows. Its order here is the order an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Seq,
    Number,
    EnterpriseName,
    Uscc,
    Region,
    Industry,
    AboveScale,
    SmallMicro,
    Specialized,
    LittleGiant,
    ContactName,
    ContactPhone,
    Category,
    Title,
    Description,
    /// An amount in 万元 (the usual unit of a ledger).
    AmountWan,
    /// An amount in 元, when the heading says so.
    AmountYuan,
    Collected,
    Unit,
    Level,
    Status,
    Done,
    Outcome,
    Rating,
    Comment,
    CommonIssue,
    // ── the project ledger (重点项目台账) ──
    ProjectCode,
    ProjectName,
    Owner,
    /// 总投资 in 万元, or in 亿元 when the heading says so.
    TotalWan,
    TotalYi,
    /// 年度计划投资 of the import's year.
    PlanWan,
    PlanYi,
    /// 累计完成投资 at the end of the import's month.
    CumulativeWan,
    CumulativeYi,
    /// 本年完成投资: computed by an export; an import reads it only to date the year's start (see `projects`).
    YearToDate,
    Stage,
    StageDate,
    Leader,
    Team,
    Plan,
    Whitelist,
    Batch,
    BatchList,
    Reason,
    // ── the 包联 ledger (which work group serves which enterprise) ──
    WorkGroup,
    /// The group's cadres, several in one cell (、 or line breaks between them).
    Cadres,
    // ── the accounts ledger (用户台账) ──
    Username,
    PersonName,
    /// Roles by their Chinese names (助企干部、指挥部…) or codes, several in one cell.
    Roles,
    // ── the 交办清单 (a weekly meeting's task list) ──
    Meeting,
    /// 工作领域: 经济运行, 项目建设, 营商环境优化, …
    Area,
    TaskContent,
    /// 配合单位, several in one cell.
    CoUnits,
    /// 完成时限: a date, or a deadline rule by name.
    Due,
    Expected,
    // ── the 纠纷案件台账 (a 多元解纷工作站's cases) ──
    Workstation,
    OtherParty,
    DisputeType,
    Facts,
    /// 承办: a 法治护航员 of the workstation by name, or a unit by its full name.
    Holder,
    /// 调解结果: 调解成功, 调解不成, 转诉讼, 撤回, 不予受理, or 调解中.
    Result,
    AgreedWan,
    AgreedYuan,
    // ── the 惠企政策库 (the policy library; 层级, 适用地区, 产业链, 责任单位 and 状态 are the columns above) ──
    PolicyTitle,
    Issuer,
    DocNumber,
    ValidFrom,
    ValidTo,
    /// 计划出台日期 of a draft (政策推进清单).
    PlannedOn,
    BenefitKind,
    Benefit,
    /// 单户上限 in 万元.
    CapWan,
    NoApplication,
    /// 企业类型 (规上企业、专精特新…), several in one cell.
    Sizes,
    MinYears,
    MaxYears,
    MinEmployees,
    MaxEmployees,
    MinRevenue,
    MaxRevenue,
    MinTaxCredit,
    Body,
}

impl Column {
    /// Every column, for building the dictionary.
    const ALL: [Column; 83] = [
        Column::Seq,
        Column::Number,
        Column::EnterpriseName,
        Column::Uscc,
        Column::Region,
        Column::Industry,
        Column::AboveScale,
        Column::SmallMicro,
        Column::Specialized,
        Column::LittleGiant,
        Column::ContactName,
        Column::ContactPhone,
        Column::Category,
        Column::Title,
        Column::Description,
        Column::AmountWan,
        Column::AmountYuan,
        Column::Collected,
        Column::Unit,
        Column::Level,
        Column::Status,
        Column::Done,
        Column::Outcome,
        Column::Rating,
        Column::Comment,
        Column::CommonIssue,
        Column::ProjectCode,
        Column::ProjectName,
        Column::Owner,
        Column::TotalWan,
        Column::TotalYi,
        Column::PlanWan,
        Column::PlanYi,
        Column::CumulativeWan,
        Column::CumulativeYi,
        Column::YearToDate,
        Column::Stage,
        Column::StageDate,
        Column::Leader,
        Column::Team,
        Column::Plan,
        Column::Whitelist,
        Column::Batch,
        Column::BatchList,
        Column::Reason,
        Column::WorkGroup,
        Column::Cadres,
        Column::Username,
        Column::PersonName,
        Column::Roles,
        Column::Meeting,
        Column::Area,
        Column::TaskContent,
        Column::CoUnits,
        Column::Due,
        Column::Expected,
        Column::Workstation,
        Column::OtherParty,
        Column::DisputeType,
        Column::Facts,
        Column::Holder,
        Column::Result,
        Column::AgreedWan,
        Column::AgreedYuan,
        Column::PolicyTitle,
        Column::Issuer,
        Column::DocNumber,
        Column::ValidFrom,
        Column::ValidTo,
        Column::PlannedOn,
        Column::BenefitKind,
        Column::Benefit,
        Column::CapWan,
        Column::NoApplication,
        Column::Sizes,
        Column::MinYears,
        Column::MaxYears,
        Column::MinEmployees,
        Column::MaxEmployees,
        Column::MinRevenue,
        Column::MaxRevenue,
        Column::MinTaxCredit,
        Column::Body,
    ];

    /// The heading an export writes, the first of `variants`.
    pub fn heading(self) -> &'static str {
        self.variants()[0]
    }

    /// Headings that mean this column, as found in real ledgers. Matching ignores spaces, full-width forms and a
    /// `*` that marks a required column.
    fn variants(self) -> &'static [&'static str] {
        match self {
            Column::Seq => &["序号", "顺序号", "排序", "No."],
            Column::Number => &["诉求编号", "问题编号", "事项编号", "工单编号", "案件编号", "编号"],
            Column::EnterpriseName => &[
                "企业名称",
                "企业全称",
                "单位名称",
                "企业",
                "企业名",
                "公司名称",
                "市场主体名称",
                "涉事企业",
                "涉案企业",
            ],
            Column::Uscc => &["统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "统一代码"],
            Column::Region => &[
                "所属县区",
                "县（市、区）",
                "县（市，区）",
                "所属县（市、区）",
                "县市区",
                "县区",
                "区县",
                "所在县区",
                "所属地区",
                "所属区域",
                "地区",
                "适用地区",
                "适用范围",
            ],
            Column::Industry => &["所属行业", "产业链", "所属产业链", "行业", "行业类别", "产业"],
            Column::AboveScale => &["规上企业", "是否规上企业", "是否规上", "规模以上企业", "规模以上"],
            Column::SmallMicro => &["小微企业", "是否小微企业", "是否小微"],
            Column::Specialized => &["专精特新", "专精特新企业", "是否专精特新"],
            Column::LittleGiant => &["小巨人", "专精特新小巨人", "是否小巨人"],
            Column::ContactName => &["联系人", "企业联系人", "联系人姓名", "负责人"],
            Column::ContactPhone => &["联系电话", "联系方式", "电话", "手机", "手机号", "手机号码", "联系人电话"],
            Column::Category => &["问题类型", "问题分类", "诉求类型", "诉求分类", "问题类别", "类型", "类别"],
            Column::Title => &["问题标题", "标题", "诉求标题", "事项名称"],
            Column::Description => &[
                "问题描述",
                "诉求内容",
                "问题内容",
                "问题简述",
                "具体问题",
                "存在问题",
                "企业诉求",
                "诉求描述",
                "反映问题",
                "问题及诉求",
            ],
            Column::AmountWan => {
                &["涉及金额（万元）", "金额（万元）", "涉及金额", "融资需求（万元）", "资金需求（万元）"]
            }
            Column::AmountYuan => &["涉及金额（元）", "金额（元）"],
            Column::Collected => &[
                "收集日期",
                "提交日期",
                "登记日期",
                "收集时间",
                "反映时间",
                "提出时间",
                "发现日期",
                "受理日期",
                "受理时间",
            ],
            Column::Unit => &[
                "责任单位",
                "承办单位",
                "交办单位",
                "牵头单位",
                "主办单位",
                "责任部门",
                "办理单位",
                "单位全称",
                "所属单位",
            ],
            Column::Level => &["交办层级", "层级", "问题层级", "办理层级", "解决层级"],
            Column::Status => &["办理状态", "状态", "办理进度", "办结状态"],
            Column::Done => &["办结日期", "完成日期", "办结时间", "完成时间", "解决日期", "答复日期"],
            Column::Outcome => &["办理结果", "答复意见", "办理情况", "答复内容", "解决情况", "办理意见", "处理结果"],
            Column::Rating => &["满意度", "评价", "评价星级", "企业评价", "满意度评价", "星级", "评价结果", "效果评价"],
            Column::Comment => &["评价意见", "评价内容", "企业意见"],
            Column::CommonIssue => &["共性问题", "所属共性问题", "并入共性问题"],
            Column::ProjectCode => &["项目编号", "项目代码", "项目编码", "项目序号编码"],
            Column::ProjectName => &["项目名称", "名称", "项目", "项目全称"],
            Column::Owner => &["业主单位", "项目单位", "建设单位", "项目业主", "实施单位", "项目建设单位"],
            Column::TotalWan => &["总投资（万元）", "总投资", "项目总投资（万元）", "项目总投资", "计划总投资（万元）"],
            Column::TotalYi => &["总投资（亿元）", "项目总投资（亿元）", "计划总投资（亿元）"],
            Column::PlanWan => &[
                "年度计划投资（万元）",
                "年度计划投资",
                "年计划投资（万元）",
                "本年计划投资（万元）",
                "年度投资计划（万元）",
                "年度计划（万元）",
            ],
            Column::PlanYi => &["年度计划投资（亿元）", "年计划投资（亿元）", "本年计划投资（亿元）"],
            Column::CumulativeWan => &[
                "累计完成投资（万元）",
                "累计完成投资",
                "累计完成投资额（万元）",
                "开工以来累计完成投资（万元）",
                "累计投资（万元）",
            ],
            Column::CumulativeYi => &["累计完成投资（亿元）", "累计完成投资额（亿元）", "累计投资（亿元）"],
            Column::YearToDate => &[
                "本年完成投资（万元）",
                "本年完成投资",
                "年度完成投资（万元）",
                "年度完成投资",
                "今年完成投资（万元）",
            ],
            Column::Stage => &["建设阶段", "项目阶段", "进展阶段", "阶段", "所处阶段", "项目进展阶段"],
            Column::StageDate => &["阶段日期", "阶段变更日期", "进入阶段日期", "阶段时间"],
            Column::Leader => &[
                "责任领导",
                "分管领导",
                "联系领导",
                "牵头领导",
                "县级责任领导",
                "牵头市领导",
                "责任市领导",
                "牵头县领导",
            ],
            Column::Team => &["工作专班", "专班", "项目专班", "推进专班"],
            Column::Plan => &["推进方案", "工作方案", "推进措施", "项目推进方案"],
            Column::Whitelist => &["是否白名单", "白名单", "是否四保", "四保", "是否纳入白名单", "白名单项目"],
            Column::Batch => &["批次", "三个一批批次", "所属批次", "三个一批"],
            Column::BatchList => &["批次清单", "清单", "三个一批类别", "清单类别"],
            Column::Reason => &["超出原因", "情况说明", "说明", "核减原因", "原因说明", "变更原因"],
            Column::WorkGroup => &["工作组", "包联工作组", "助企工作组", "工作组名称", "服务工作组"],
            Column::Cadres => &["助企干部", "包联干部", "首席服务官", "工作组成员", "干部姓名", "成员"],
            Column::Username => &["用户名", "登录名", "账号", "登录账号"],
            Column::PersonName => &["姓名", "人员姓名", "真实姓名"],
            Column::Roles => &["角色", "用户角色", "岗位角色"],
            Column::Meeting => &["会议名称", "交办会议", "周交办会议", "会议"],
            Column::Area => &["工作领域", "领域", "重点工作领域", "工作板块", "板块"],
            Column::TaskContent => &["交办事项", "工作任务", "重点工作", "任务内容", "交办内容", "事项内容"],
            Column::CoUnits => &["配合单位", "协办单位", "协同单位", "配合部门"],
            Column::Due => &["完成时限", "办结时限", "时限要求", "完成时间要求", "截止日期"],
            Column::Expected => &["预期成效", "预期目标", "工作目标", "完成标准"],
            Column::Workstation => &["受理工作站", "解纷工作站", "多元解纷工作站", "工作站"],
            Column::OtherParty => &["对方当事人", "被申请人", "对方"],
            Column::DisputeType => &["纠纷类型", "案件类型", "纠纷类别"],
            Column::Facts => &["简要案情", "基本案情", "纠纷事实", "案情简介", "案情"],
            Column::Holder => &["承办", "承办调解员", "调解员", "承办机构", "移交去向"],
            Column::Result => &["调解结果", "结案方式", "调处结果"],
            Column::AgreedWan => &["达成金额（万元）", "达成金额", "调解金额（万元）", "调解金额"],
            Column::AgreedYuan => &["达成金额（元）", "调解金额（元）"],
            Column::PolicyTitle => &["政策名称", "政策标题", "政策文件名称", "文件名称"],
            Column::Issuer => &["发文机关", "发文单位", "制定机关", "出台单位"],
            Column::DocNumber => &["文号", "发文字号", "政策文号"],
            Column::ValidFrom => &["有效期起", "施行日期", "生效日期", "执行日期"],
            Column::ValidTo => &["有效期止", "有效期至", "失效日期", "废止日期"],
            Column::PlannedOn => &["计划出台日期", "计划出台时间", "拟出台时间"],
            Column::BenefitKind => &["扶持方式", "支持方式", "政策类型", "扶持类型"],
            Column::Benefit => &["扶持内容", "支持内容", "扶持标准", "奖补标准"],
            Column::CapWan => &["单户上限（万元）", "单户最高（万元）", "最高金额（万元）", "单户上限"],
            Column::NoApplication => &["免申即享", "是否免申即享"],
            Column::Sizes => &["企业类型", "适用企业类型", "企业规模与资质"],
            Column::MinYears => &["成立满（年）", "成立年限不少于（年）", "成立年限不少于"],
            Column::MaxYears => &["成立不满（年）", "成立年限少于（年）", "成立年限少于"],
            Column::MinEmployees => &["从业人数不少于", "从业人员不少于", "从业人数下限"],
            Column::MaxEmployees => &["从业人数不超过", "从业人员不超过", "从业人数上限"],
            Column::MinRevenue => &["营业收入不低于", "营业收入下限"],
            Column::MaxRevenue => &["营业收入不高于", "营业收入上限"],
            Column::MinTaxCredit => &["纳税信用不低于", "纳税信用等级不低于", "纳税信用等级"],
            Column::Body => &["政策原文", "政策全文", "正文", "政策内容"],
        }
    }

    /// The heading an export of `kind` writes: a project ledger calls the industry 产业.
    pub fn heading_in(self, kind: LedgerKind) -> &'static str {
        match (self, kind) {
            (Column::Industry, LedgerKind::Projects) => "产业",
            (Column::Unit, LedgerKind::Assignments) => "牵头单位",
            (Column::Unit, LedgerKind::Units) => "单位全称",
            (Column::Unit, LedgerKind::Users) => "所属单位",
            (Column::Region, LedgerKind::Units | LedgerKind::Users) => "所属地区",
            (Column::ContactPhone, LedgerKind::Users) => "手机",
            (Column::Number, LedgerKind::Tasks) => "事项编号",
            (Column::Leader, LedgerKind::Tasks) => "牵头市领导",
            (Column::Number, LedgerKind::Disputes) => "案件编号",
            (Column::EnterpriseName, LedgerKind::Disputes) => "涉事企业",
            (Column::Collected, LedgerKind::Disputes) => "受理日期",
            (Column::Rating, LedgerKind::Disputes) => "效果评价",
            (Column::Region, LedgerKind::Policies) => "适用地区",
            (Column::Industry, LedgerKind::Policies) => "产业链",
            (Column::Level, LedgerKind::Policies) => "层级",
            (Column::Status, LedgerKind::Policies) => "状态",
            _ => self.heading(),
        }
    }

    /// Whether a ledger of `kind` reads this column. A known column of the other kind (联系电话 in an appeal ledger)
    /// is ignored like an unknown one.
    pub fn used_by(self, kind: LedgerKind) -> bool {
        use Column::*;
        match kind {
            LedgerKind::Enterprises => matches!(
                self,
                Seq | EnterpriseName
                    | Uscc
                    | Region
                    | Industry
                    | AboveScale
                    | SmallMicro
                    | Specialized
                    | LittleGiant
                    | ContactName
                    | ContactPhone
            ),
            LedgerKind::Appeals => matches!(
                self,
                Seq | Number
                    | EnterpriseName
                    | Uscc
                    | Region
                    | Category
                    | Title
                    | Description
                    | AmountWan
                    | AmountYuan
                    | Collected
                    | Unit
                    | Level
                    | Status
                    | Done
                    | Outcome
                    | Rating
                    | Comment
                    | CommonIssue
            ),
            LedgerKind::Projects => matches!(
                self,
                Seq | ProjectCode
                    | ProjectName
                    | Region
                    | Industry
                    | Owner
                    | Unit
                    | TotalWan
                    | TotalYi
                    | PlanWan
                    | PlanYi
                    | CumulativeWan
                    | CumulativeYi
                    | YearToDate
                    | Stage
                    | StageDate
                    | Leader
                    | Team
                    | Plan
                    | Whitelist
                    | Batch
                    | BatchList
                    | Reason
            ),
            LedgerKind::Assignments => matches!(self, Seq | WorkGroup | Unit | Cadres | EnterpriseName | Uscc),
            LedgerKind::Units => matches!(self, Seq | Unit | Region),
            LedgerKind::Users => matches!(self, Seq | Username | PersonName | Roles | Region | Unit | ContactPhone),
            LedgerKind::Tasks => matches!(
                self,
                Seq | Number | Meeting | Area | TaskContent | Leader | Unit | CoUnits | Due | Expected | Status
            ),
            LedgerKind::Disputes => matches!(
                self,
                Seq | Number
                    | Collected
                    | Workstation
                    | EnterpriseName
                    | OtherParty
                    | DisputeType
                    | AmountWan
                    | AmountYuan
                    | Facts
                    | Holder
                    | Result
                    | AgreedWan
                    | AgreedYuan
                    | Done
                    | Rating
                    | Status
            ),
            LedgerKind::Policies => {
                matches!(self, Seq | Region | Industry | Level | Unit | Status) || self >= PolicyTitle
            }
        }
    }

    /// Two headings that fill the same field: an amount in 万元 and one in 元 cannot both be read.
    fn slot(self) -> Column {
        match self {
            Column::AmountYuan => Column::AmountWan,
            Column::TotalYi => Column::TotalWan,
            Column::PlanYi => Column::PlanWan,
            Column::CumulativeYi => Column::CumulativeWan,
            Column::AgreedYuan => Column::AgreedWan,
            other => other,
        }
    }
}

/// The columns an export of `kind` writes, in order.
pub fn export_columns(kind: LedgerKind) -> Vec<Column> {
    use Column::*;
    match kind {
        LedgerKind::Enterprises => vec![
            Seq,
            EnterpriseName,
            Uscc,
            Region,
            Industry,
            AboveScale,
            SmallMicro,
            Specialized,
            LittleGiant,
            ContactName,
            ContactPhone,
        ],
        LedgerKind::Appeals => vec![
            Seq,
            Number,
            EnterpriseName,
            Uscc,
            Region,
            Category,
            Title,
            Description,
            AmountWan,
            Collected,
            Unit,
            Level,
            Status,
            Done,
            Outcome,
            Rating,
            Comment,
            CommonIssue,
        ],
        LedgerKind::Projects => vec![
            Seq,
            ProjectCode,
            ProjectName,
            Region,
            Industry,
            Owner,
            Unit,
            TotalWan,
            PlanWan,
            CumulativeWan,
            YearToDate,
            Stage,
            StageDate,
            Leader,
            Team,
            Plan,
            Whitelist,
            Batch,
            BatchList,
            Reason,
        ],
        LedgerKind::Assignments => vec![Seq, WorkGroup, Unit, Cadres, EnterpriseName, Uscc],
        LedgerKind::Units => vec![Seq, Unit, Region],
        LedgerKind::Users => vec![Seq, Username, PersonName, Roles, Region, Unit],
        LedgerKind::Tasks => {
            vec![Seq, Number, Meeting, Area, TaskContent, Leader, Unit, CoUnits, Due, Expected, Status]
        }
        LedgerKind::Disputes => vec![
            Seq,
            Number,
            Collected,
            Workstation,
            EnterpriseName,
            OtherParty,
            DisputeType,
            AmountWan,
            Facts,
            Holder,
            Result,
            AgreedWan,
            Done,
            Rating,
            Status,
        ],
        LedgerKind::Policies => vec![
            Seq,
            PolicyTitle,
            Issuer,
            Level,
            DocNumber,
            Region,
            Unit,
            Status,
            ValidFrom,
            ValidTo,
            PlannedOn,
            BenefitKind,
            Benefit,
            CapWan,
            NoApplication,
            Industry,
            Sizes,
            MinYears,
            MaxYears,
            MinEmployees,
            MaxEmployees,
            MinRevenue,
            MaxRevenue,
            MinTaxCredit,
            Body,
        ],
    }
}

/// A heading or name as compared: full-width letters, digits and brackets made half-width, spaces (also the
/// ideographic space and line breaks inside a cell), a required-marker `*` and a trailing colon dropped, Latin letters
/// lower-cased.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let ch = match ch {
            // Full-width ASCII forms (！ to ～) are their ASCII characters shifted by 0xFEE0.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            _ => ch,
        };
        if ch.is_whitespace() || ch == '*' {
            continue;
        }
        out.push(ch.to_ascii_lowercase());
    }
    while out.ends_with(':') {
        out.pop();
    }
    out
}

static DICTIONARY: LazyLock<HashMap<String, Column>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for column in Column::ALL {
        for variant in column.variants() {
            map.entry(normalise(variant)).or_insert(column);
        }
    }
    map
});

/// The column a heading means, if any. A remark in brackets after a known heading (`办结日期（必填）`,
/// `满意度(1-5星)`) is ignored when the heading with it is not itself known.
pub fn column_of(heading: &str) -> Option<Column> {
    let key = normalise(heading);
    if key.is_empty() {
        return None;
    }
    if let Some(c) = DICTIONARY.get(&key) {
        return Some(*c);
    }
    let stem = key.strip_suffix(')').and_then(|k| k.rfind('(').map(|i| &k[..i]))?;
    DICTIONARY.get(stem).copied()
}

/// A column found in the heading row: where it is and what the file calls it (what error messages quote).
#[derive(Debug, Clone)]
pub struct Mapped {
    pub column: Column,
    pub index: usize,
    pub heading: String,
}

/// Where a sheet's data is: the heading row, the columns read, and the headings ignored.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The heading row's number as the spreadsheet shows it.
    pub header_row: usize,
    /// Its position among the rows read: data starts after it.
    pub header_index: usize,
    pub columns: Vec<Mapped>,
    /// Headings not read by this kind of ledger, as written.
    pub ignored: Vec<String>,
}

impl Layout {
    pub fn find(&self, column: Column) -> Option<&Mapped> {
        self.columns.iter().find(|m| m.column.slot() == column.slot())
    }

    pub fn has(&self, column: Column) -> bool {
        self.columns.iter().any(|m| m.column == column)
    }
}

/// How far down a sheet the heading row is looked for (a county ledger has one to three title rows).
const HEADER_SEARCH_ROWS: usize = 30;

/// Which headings a ledger must have, as alternatives: each inner list needs one of its columns.
fn required(kind: LedgerKind) -> &'static [&'static [Column]] {
    use Column::*;
    match kind {
        LedgerKind::Enterprises => &[&[EnterpriseName], &[Uscc], &[Region]],
        LedgerKind::Appeals => &[&[Uscc, EnterpriseName], &[Description, Title], &[Collected]],
        LedgerKind::Projects => &[&[ProjectName], &[Region]],
        LedgerKind::Assignments => &[&[WorkGroup], &[Uscc, EnterpriseName]],
        LedgerKind::Units => &[&[Unit], &[Region]],
        LedgerKind::Users => &[&[Username], &[PersonName], &[Roles]],
        LedgerKind::Tasks => &[&[Meeting], &[TaskContent], &[Unit]],
        LedgerKind::Disputes => &[&[Workstation], &[EnterpriseName], &[DisputeType]],
        LedgerKind::Policies => &[&[PolicyTitle], &[Issuer], &[Unit]],
    }
}

fn describe_required(kind: LedgerKind) -> String {
    required(kind)
        .iter()
        .map(|alts| alts.iter().map(|c| format!("「{}」", c.heading())).collect::<Vec<_>>().join("或"))
        .collect::<Vec<_>>()
        .join("、")
}

/// Finds the heading row: the first of the first rows that has every required heading. Title rows above it
/// ("XX县万人助万企问题台账", "填报单位：…") are skipped.
pub fn find_layout(rows: &[SheetRow], kind: LedgerKind) -> Result<Layout, String> {
    for (index, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let found: Vec<(usize, Column, String)> = row
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| {
                let text = cell.text()?;
                column_of(&text).map(|c| (i, c, text.trim().to_owned()))
            })
            .collect();
        let has = |c: &Column| found.iter().any(|(_, f, _)| f == c);
        if required(kind).iter().all(|alts| alts.iter().any(has)) {
            return layout(row, index, kind);
        }
    }
    Err(format!(
        "未找到表头：前{HEADER_SEARCH_ROWS}行中没有同时含有{}的一行 / no heading row with the required columns was found",
        describe_required(kind)
    ))
}

fn layout(row: &SheetRow, index: usize, kind: LedgerKind) -> Result<Layout, String> {
    let mut columns: Vec<Mapped> = Vec::new();
    let mut ignored = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let Some(text) = cell.text() else { continue };
        let heading = text.trim().to_owned();
        match column_of(&heading).filter(|c| c.used_by(kind)) {
            Some(column) => {
                if let Some(first) = columns.iter().find(|m| m.column.slot() == column.slot()) {
                    return Err(format!(
                        "第{}行表头中〔{}〕与〔{}〕是同一列，请删去其中一列 / two columns mean the same: {} and {}",
                        row.number, first.heading, heading, first.heading, heading
                    ));
                }
                columns.push(Mapped { column, index: i, heading });
            }
            None => ignored.push(heading),
        }
    }
    Ok(Layout { header_row: row.number, header_index: index, columns, ignored })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_and_odd_forms_map_to_their_column() {
        for (heading, column) in [
            ("企业名称", Column::EnterpriseName),
            (" 企业全称 ", Column::EnterpriseName),
            ("单位名称", Column::EnterpriseName),
            ("*统一社会\n信用代码", Column::Uscc),
            ("社会信用代码：", Column::Uscc),
            ("县（市、区）", Column::Region),
            ("县(市、区)", Column::Region),
            ("区　县", Column::Region),
            ("问题分类", Column::Category),
            ("诉求内容", Column::Description),
            ("登记日期", Column::Collected),
            ("承办单位", Column::Unit),
            ("状态", Column::Status),
            ("完成日期", Column::Done),
            ("评价星级", Column::Rating),
            ("办结日期（必填）", Column::Done),
            ("满意度(1-5星)", Column::Rating),
            ("涉及金额（万元）", Column::AmountWan),
            ("涉及金额(元)", Column::AmountYuan),
            ("ＮＯ．", Column::Seq),
            ("总投资(亿元)", Column::TotalYi),
            ("总投资（万元）", Column::TotalWan),
            ("名称", Column::ProjectName),
            ("所属区域", Column::Region),
            ("项目阶段", Column::Stage),
            ("是否四保", Column::Whitelist),
            ("累计完成投资（亿元）", Column::CumulativeYi),
        ] {
            assert_eq!(column_of(heading), Some(column), "{heading}");
        }
        for unknown in ["", "备注", "包联领导", "（空）"] {
            assert_eq!(column_of(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn every_variant_is_one_columns_only() {
        let mut seen = HashMap::new();
        for column in Column::ALL {
            for v in column.variants() {
                if let Some(other) = seen.insert(normalise(v), column) {
                    panic!("{v} means both {other:?} and {column:?}");
                }
            }
        }
    }
}
