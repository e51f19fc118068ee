extension Templates {
    static let schools = """
        <h1 class="heading-l">Schools</h1>
        {{#none}}<p class="body">No schools to show.</p>{{/none}}
        <ul>{{#schools}}<li><a href="/schools/{{urn}}">School {{urn}}</a></li>{{/schools}}</ul>
        """

    static let school = """
        <span class="caption">{{year}} to date · {{phase}} (from its year groups)</span>
        <h1 class="heading-l">School {{urn}}</h1>
        <ul class="cards">
          <li class="card"><span class="card-number">{{pupils}}</span> pupils</li>
          <li class="card"><span class="card-number">{{attendance}}</span> attendance</li>
          <li class="card"><span class="card-number">{{persistent}}</span> persistently absent</li>
          <li class="card"><span class="card-number">{{severe}}</span> severely absent</li>
        </ul>
        <p class="body"><a class="button button-secondary" href="/schools/{{urn}}/pack">Targeting support meeting pack</a></p>
        <div class="table-wrap"><table>
          <caption>The school beside {{laLabel}} and England ({{phase}} schools for absence; DfE 2023/24)</caption>
          <thead><tr><th scope="col">Measure</th><th scope="col" class="numeric">This school</th><th scope="col" class="numeric">{{laLabel}}</th><th scope="col" class="numeric">England</th></tr></thead>
          <tbody>{{#comparison}}<tr><th scope="row">{{label}}</th><td class="numeric">{{school}}</td><td class="numeric">{{la}}</td><td class="numeric">{{national}}</td></tr>{{/comparison}}</tbody>
        </table></div>
        <div class="table-wrap"><table>
          <caption>Cohorts</caption>
          <thead><tr><th scope="col">Cohort</th><th scope="col" class="numeric">Pupils</th><th scope="col" class="numeric">Absence</th><th scope="col" class="numeric">Persistent absence</th><th scope="col" class="numeric">Severe absence</th></tr></thead>
          <tbody>{{#cohorts}}<tr><th scope="row">{{label}}</th><td class="numeric">{{pupils}}</td><td class="numeric">{{absence}}</td><td class="numeric">{{persistent}}</td><td class="numeric">{{severe}}</td></tr>{{/cohorts}}</tbody>
        </table></div>
        <section class="section" aria-labelledby="trend">
          <h2 class="heading-m" id="trend">The last 12 school weeks</h2>
          {{#hasTrend}}
          <div class="chart-pair"><div>{{{chart}}}</div>
          <div class="table-wrap"><table><caption>Figures behind the chart</caption>
            <thead><tr><th scope="col">Week starting</th><th scope="col" class="numeric">Possible sessions</th><th scope="col" class="numeric">Attendance</th></tr></thead>
            <tbody>{{#trend}}<tr><td>{{week}}</td><td class="numeric">{{possible}}</td><td class="numeric">{{rate}}</td></tr>{{/trend}}</tbody></table></div></div>
          {{/hasTrend}}
          {{^hasTrend}}<p class="body">No school weeks with marks yet.</p>{{/hasTrend}}
        </section>
        <p class="hint">Source for England: {{nationalSource}}.</p>
        """
}
