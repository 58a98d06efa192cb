import type { ReactNode } from 'react';
import { Providers } from './providers';

export const metadata = { title: 'routecache on Next.js' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
