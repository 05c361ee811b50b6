(function(){var el=document.getElementById("fazhi-facts");if(!el)return;
var d=JSON.parse(el.textContent),L=d.labels,ci={},marks={},tb=document.querySelector("#check-table tbody"),st=document.getElementById("check-status");
d.columns.forEach(function(c,i){ci[c]=i});document.getElementById("check-off").hidden=true;document.getElementById("check-tools").hidden=false;
var num=/^(\d+(\.\d*)?|\.\d+)$/;
function td(tr,text,cls){var c=document.createElement("td");c.textContent=text;if(cls)c.className=cls;tr.appendChild(c);return c}
function count(){var n={ok:0,wrong:0,fix:0};Object.keys(marks).forEach(function(k){n[marks[k].s]++});st.textContent=L.status.replace("{ok}",n.ok).replace("{wrong}",n.wrong).replace("{fixed}",n.fix)}
d.order.forEach(function(i){var r=d.rows[i],s=d.show[i],tr=document.createElement("tr"),sel=document.createElement("select"),inp=document.createElement("input");tr.setAttribute("data-row",i);
td(tr,s[0]);td(tr,s[1]);td(tr,r[ci.year],"num");td(tr,s[2],"num");td(tr,s[3]);td(tr,r[ci.evidence],"evidence");td(tr,r[ci.doc]);var c=td(tr,"");
[["",L.unmarked],["ok",L.confirmed],["wrong",L.wrong],["fix",L.corrected]].forEach(function(o){var op=document.createElement("option");op.value=o[0];op.textContent=o[1];sel.appendChild(op)});
sel.setAttribute("aria-label",L.mark);inp.type="text";inp.inputMode="decimal";inp.size=8;inp.hidden=true;inp.value=r[ci.value];inp.setAttribute("aria-label",L.new_value);
function upd(){var v=sel.value;inp.hidden=v!=="fix";if(v)marks[i]={s:v,v:inp.value.trim()};else delete marks[i];tr.className=v?"mark-"+v:"";inp.setAttribute("aria-invalid",v==="fix"&&!num.test(inp.value.trim())?"true":"false");count()}
sel.addEventListener("change",upd);inp.addEventListener("input",upd);c.appendChild(sel);c.appendChild(inp);tb.appendChild(tr)});
function q(x){return /[",\r\n]/.test(x)?'"'+x.replace(/"/g,'""')+'"':x}
document.getElementById("check-download").addEventListener("click",function(){
var bad=tb.querySelector("input[aria-invalid=true]:not([hidden])");if(bad){st.textContent=L.invalid;bad.focus();return}
var out=[d.columns.map(q).join(",")];
d.rows.forEach(function(r,i){var m=marks[i],c=r;if(m){if(m.s==="wrong")return;c=r.slice();c[ci.confidence]="high";c[ci.review_reason]=m.s==="fix"?"corrected":"confirmed";if(m.s==="fix")c[ci.value]=m.v}out.push(c.map(q).join(","))});
var a=document.createElement("a");a.href=URL.createObjectURL(new Blob(["\ufeff"+out.join("\n")+"\n"],{type:"text/csv;charset=utf-8"}));a.download=L.file;a.hidden=true;document.body.appendChild(a);a.click();document.body.removeChild(a)});
count()})();
