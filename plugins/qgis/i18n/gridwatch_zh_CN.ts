<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>gridwatch</name>
    <message>
        <source>Cases per grid</source>
        <translation>各网格案件数</translation>
    </message>
    <message>
        <source>Case analysis</source>
        <translation>案件分析</translation>
    </message>
    <message>
        <source>Counts the cases inside each grid that were reported from START (inclusive) to END (exclusive) and match FILTER (an expression on the case layer, e.g. "category_code" LIKE '06%'). Without START or END that side is open.</source>
        <translation>统计每个网格内在 START（含）至 END（不含）之间上报、且符合 FILTER（案件图层上的表达式，例如 "category_code" LIKE '06%'）的案件数。不填 START 或 END 即该端不限。</translation>
    </message>
    <message>
        <source>Overdue hot spots</source>
        <translation>超期热点</translation>
    </message>
    <message>
        <source>Square cells of CELL metres holding at least MIN_COUNT overdue open cases (their light is red: the store's own overdue), with the count and the case numbers.</source>
        <translation>边长 CELL 米的方格中，超期未结案件（红灯，即案件库自己的超期口径）不少于 MIN_COUNT 件的格子，附件数和案件编号。</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Reported from</source>
        <translation>上报时间自</translation>
    </message>
    <message>
        <source>Reported before</source>
        <translation>上报时间早于</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Grids and cases are needed.</source>
        <translation>需要网格和案件图层。</translation>
    </message>
    <message>
        <source>Cell size (m)</source>
        <translation>格子边长（米）</translation>
    </message>
    <message>
        <source>Overdue cases at least</source>
        <translation>超期案件至少</translation>
    </message>
    <message>
        <source>Cases are needed.</source>
        <translation>需要案件图层。</translation>
    </message>
    <message>
        <source>The case layer has no field '{name}'.</source>
        <translation>案件图层没有字段“{name}”。</translation>
    </message>
    <message>
        <source>The store refused the edit</source>
        <translation>案件库拒绝了此次编辑</translation>
    </message>
    <message>
        <source>Grid workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Patrol tracks</source>
        <translation>巡查轨迹</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Districts, streets, communities</source>
        <translation>区、街道、社区</translation>
    </message>
    <message>
        <source>Cases of the last {days} days</source>
        <translation>最近 {days} 天的案件</translation>
    </message>
    <message>
        <source>gridwatch store</source>
        <translation>gridwatch 案件库</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Sign-in (authentication configuration)</source>
        <translation>登录（认证配置）</translation>
    </message>
    <message>
        <source>Add gridwatch layers</source>
        <translation>添加 gridwatch 图层</translation>
    </message>
    <message>
        <source>gridwatch store…</source>
        <translation>gridwatch 案件库…</translation>
    </message>
    <message>
        <source>Choose your sign-in first: Database ▸ gridwatch ▸ gridwatch store…</source>
        <translation>请先选择登录：数据库 ▸ gridwatch ▸ gridwatch 案件库…</translation>
    </message>
    <message>
        <source>Could not open: {layers}. Check the sign-in and the schema.</source>
        <translation>无法打开：{layers}。请检查登录和模式。</translation>
    </message>
    <message>
        <source>Live refresh is off: {error}</source>
        <translation>实时刷新已关闭：{error}</translation>
    </message>
</context>
</TS>
