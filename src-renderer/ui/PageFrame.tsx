import type { ReactNode } from 'react';

/** A page's frame: the scroller, the width, the heading. Pages with more in their header build their own. */
export function PageFrame({ title, sub, children }: { title: string; sub: string; children: ReactNode }) {
  return (
    <main className="main">
      <div className="page">
        <header className="page-head">
          <div>
            <h1>{title}</h1>
            <p className="page-sub">{sub}</p>
          </div>
        </header>
        {children}
      </div>
    </main>
  );
}
